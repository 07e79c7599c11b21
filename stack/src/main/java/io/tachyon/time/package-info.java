/**
 * Injected time: the real clock for production and a virtual clock that tests and replays advance by hand.
 */
package io.tachyon.time;
