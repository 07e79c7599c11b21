package io.tachyon.stack;

/**
 * Work another thread hands to a {@link Stack} through {@link Stack#submit(StackCommand)}; it runs on the stack
 * thread at the start of a duty cycle, in submission order. A command may use every stack-thread API (open
 * sockets, send). An exception it throws is caught, counted ({@link StackCounter#COMMAND_ERRORS}) and kept as
 * {@link Stack#lastError()}; the stack carries on.
 */
@FunctionalInterface
public interface StackCommand
{
    /**
     * Runs on the stack thread.
     *
     * @param stack the stack.
     * @param nowNs the duty cycle's time.
     */
    void execute(Stack stack, long nowNs);
}
