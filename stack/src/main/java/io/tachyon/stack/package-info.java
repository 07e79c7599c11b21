/**
 * The running stack: {@link io.tachyon.stack.Stack} (an Agrona agent running the duty cycle over one driver queue),
 * its validated {@link io.tachyon.stack.StackConfig}, the {@link io.tachyon.stack.TimerWheel}, the counters
 * registered in the stack's counters file, and the command queue through which other threads reach a stack.
 */
package io.tachyon.stack;
