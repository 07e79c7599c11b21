package io.tachyon.ipv4;

/**
 * The multicast seam of the IPv4 input path: which groups this host has joined. The IGMP layer implements it; the
 * default ({@link #NONE}) has joined nothing, so every multicast datagram is dropped (counted
 * {@link Ipv4Counter#IN_MCAST_NOT_JOINED}). Called on the stack thread for every received multicast datagram: it
 * must not allocate.
 */
@FunctionalInterface
public interface MulticastMembership
{
    /** No group joined. */
    MulticastMembership NONE = group -> false;

    /**
     * Whether datagrams to this group are accepted.
     *
     * @param group a multicast address (224.0.0.0/4).
     * @return true if some socket (or the IGMP layer itself, for 224.0.0.1) wants it.
     */
    boolean isMember(int group);
}
