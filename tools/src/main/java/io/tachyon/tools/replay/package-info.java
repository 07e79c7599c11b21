/**
 * Replay of recorded sessions: one side of a capture is played by a Tachyon stack on a virtual clock and what it
 * sends is compared with what the recorded host sent (docs/replay.md).
 */
package io.tachyon.tools.replay;
