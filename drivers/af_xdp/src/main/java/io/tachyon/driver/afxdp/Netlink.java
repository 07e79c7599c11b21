package io.tachyon.driver.afxdp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * XDP attach and detach through rtnetlink ({@code RTM_SETLINK} with a nested {@code IFLA_XDP}), the alternative
 * to a BPF link. A program attached this way outlives the process, so the driver detaches it explicitly on close.
 */
final class Netlink
{
    private static final int NLMSGHDR = 16;
    private static final int IFINFOMSG = 16;
    private static final int NLMSGERR = 20;
    private static final int REPLY_SIZE = 8192;

    private Netlink()
    {
    }

    /**
     * The outcome of a request: 0 or {@code -errno}, and the kernel's extack message if any.
     *
     * @param result  0 or {@code -errno}.
     * @param message the extack text, or empty.
     */
    record Result(int result, String message)
    {
    }

    /**
     * Sets the XDP program of an interface.
     *
     * @param programFd the program, or -1 to detach.
     * @param flags     XDP_FLAGS_* (the mode must match the attached program's to detach it).
     * @return the kernel's answer.
     */
    static Result setXdp(final MemorySegment slot, final int ifindex, final int programFd, final int flags)
    {
        final int fd = Native.socket(slot, XdpAbi.AF_NETLINK, XdpAbi.SOCK_RAW | XdpAbi.SOCK_CLOEXEC,
            XdpAbi.NETLINK_ROUTE);
        if (fd < 0)
        {
            return new Result(-Native.errno(slot), "socket(AF_NETLINK) failed");
        }
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment one = arena.allocateFrom(JAVA_INT, 1);
            Native.setsockopt(slot, fd, XdpAbi.SOL_NETLINK, XdpAbi.NETLINK_EXT_ACK, one, 4);
            Native.setsockopt(slot, fd, XdpAbi.SOL_NETLINK, XdpAbi.NETLINK_CAP_ACK, one, 4);
            final int length = NLMSGHDR + IFINFOMSG + 4 + 8 + 8;
            final MemorySegment message = arena.allocate(length, 4L);
            message.set(JAVA_INT, 0L, length);
            message.set(JAVA_SHORT, 4L, (short) XdpAbi.RTM_SETLINK);
            message.set(JAVA_SHORT, 6L, (short) (XdpAbi.NLM_F_REQUEST | XdpAbi.NLM_F_ACK));
            message.set(JAVA_INT, 8L, 1);
            // ifinfomsg: family AF_UNSPEC (0) at 16, index at 20
            message.set(JAVA_INT, NLMSGHDR + 4L, ifindex);
            final long nest = NLMSGHDR + IFINFOMSG;
            message.set(JAVA_SHORT, nest, (short) (4 + 8 + 8));
            message.set(JAVA_SHORT, nest + 2, (short) (XdpAbi.IFLA_XDP | XdpAbi.NLA_F_NESTED));
            message.set(JAVA_SHORT, nest + 4, (short) 8);
            message.set(JAVA_SHORT, nest + 6, (short) XdpAbi.IFLA_XDP_FD);
            message.set(JAVA_INT, nest + 8, programFd);
            message.set(JAVA_SHORT, nest + 12, (short) 8);
            message.set(JAVA_SHORT, nest + 14, (short) XdpAbi.IFLA_XDP_FLAGS);
            message.set(JAVA_INT, nest + 16, flags);
            final MemorySegment kernel = arena.allocate(12, 4L); // sockaddr_nl {AF_NETLINK, pid 0, groups 0}
            kernel.set(JAVA_SHORT, 0L, (short) XdpAbi.AF_NETLINK);
            if (Native.sendto(slot, fd, message, length, 0, kernel, 12) < 0)
            {
                return new Result(-Native.errno(slot), "sendto(netlink) failed");
            }
            final MemorySegment reply = arena.allocate(REPLY_SIZE, 4L);
            final long got = Native.recvfrom(slot, fd, reply, REPLY_SIZE, 0);
            if (got < NLMSGHDR + 4)
            {
                return new Result(got < 0 ? -Native.errno(slot) : -Native.EINVAL, "no netlink reply");
            }
            if (reply.get(JAVA_SHORT, 4L) != XdpAbi.NLMSG_ERROR)
            {
                return new Result(-Native.EINVAL, "unexpected netlink reply type " + reply.get(JAVA_SHORT, 4L));
            }
            final int error = reply.get(JAVA_INT, NLMSGHDR);
            String text = "";
            final int replyFlags = reply.get(JAVA_SHORT, 6L) & 0xFFFF;
            final int replyLength = Math.min((int) got, reply.get(JAVA_INT, 0L));
            if ((replyFlags & XdpAbi.NLM_F_ACK_TLVS) != 0)
            {
                long at = NLMSGHDR + NLMSGERR;
                while (at + 4 <= replyLength)
                {
                    final int attrLength = reply.get(JAVA_SHORT, at) & 0xFFFF;
                    final int attrType = reply.get(JAVA_SHORT, at + 2) & 0x3FFF;
                    if (attrLength < 4 || at + attrLength > replyLength)
                    {
                        break;
                    }
                    if (attrType == XdpAbi.NLMSGERR_ATTR_MSG)
                    {
                        text = reply.asSlice(at + 4, attrLength - 4).getString(0L).strip();
                    }
                    at += (attrLength + 3) & ~3;
                }
            }
            return new Result(error, text);
        }
        finally
        {
            Native.close(fd);
        }
    }
}
