package io.tachyon.stack;

import io.tachyon.ipv4.MulticastMembership;
import io.tachyon.ipv4.TransportInput;

/**
 * The seam for multicast (IGMP, built separately): attached with {@link Stack#multicast(MulticastHook)}, it
 * decides which groups the IPv4 layer accepts ({@link #isMember(int)}), receives IGMP datagrams (protocol 2,
 * {@link #onDatagram}), and runs its timers (reports, query responses) from the duty cycle through
 * {@link #nextDeadlineNs()} and {@link #poll(long)}. It sends through {@link Stack#ipv4()}
 * ({@code prepare} with {@code Ipv4.ROUTER_ALERT}, then {@code commit}). Everything runs on the stack thread and
 * must not allocate.
 */
public interface MulticastHook extends MulticastMembership, TransportInput
{
    /** {@link #nextDeadlineNs()} result when no timer is set. */
    long NO_DEADLINE = Long.MAX_VALUE;

    /**
     * When {@link #poll(long)} next has work.
     *
     * @return epoch nanoseconds, or {@link #NO_DEADLINE}.
     */
    long nextDeadlineNs();

    /**
     * Runs the timers due at {@code nowNs}.
     *
     * @param nowNs the duty cycle's time.
     * @return how many did something.
     */
    int poll(long nowNs);
}
