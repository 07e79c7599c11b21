package io.tachyon.driver.afxdp;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.UnionLayout;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The kernel ABI the driver speaks (x86_64, little-endian): constants from {@code linux/if_xdp.h},
 * {@code linux/bpf.h}, {@code linux/if_link.h} and the socket headers, and the structs as {@link MemoryLayout}s.
 * The driver carries its own values rather than reading installed headers, which may be older than the running
 * kernel; {@code XdpAbiTest} checks them against the headers where they are installed.
 */
final class XdpAbi
{
    // ----------------------------------------------------------------------------------------------- sockets
    static final int AF_XDP = 44;
    static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_BUSY_POLL = 46;
    static final int SO_PREFER_BUSY_POLL = 69;
    static final int SO_BUSY_POLL_BUDGET = 70;
    static final int MSG_DONTWAIT = 0x40;
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int MAP_PRIVATE = 2;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_POPULATE = 0x8000;

    // ------------------------------------------------------------------------------------------------ if_xdp.h
    static final int SOL_XDP = 283;
    static final int XDP_SHARED_UMEM = 1;
    static final int XDP_COPY = 1 << 1;
    static final int XDP_ZEROCOPY = 1 << 2;
    static final int XDP_USE_NEED_WAKEUP = 1 << 3;
    static final int XDP_UMEM_UNALIGNED_CHUNK_FLAG = 1;
    static final int XDP_RING_NEED_WAKEUP = 1;
    static final int XDP_MMAP_OFFSETS = 1;
    static final int XDP_RX_RING = 2;
    static final int XDP_TX_RING = 3;
    static final int XDP_UMEM_REG = 4;
    static final int XDP_UMEM_FILL_RING = 5;
    static final int XDP_UMEM_COMPLETION_RING = 6;
    static final int XDP_STATISTICS = 7;
    static final int XDP_OPTIONS = 8;
    /** Newer than the 6.1 headers; kernels without it answer ENOPROTOOPT. */
    static final int XDP_MAX_TX_SKB_BUDGET = 9;
    static final int XDP_OPTIONS_ZEROCOPY = 1;
    static final long XDP_PGOFF_RX_RING = 0L;
    static final long XDP_PGOFF_TX_RING = 0x80000000L;
    static final long XDP_UMEM_PGOFF_FILL_RING = 0x100000000L;
    static final long XDP_UMEM_PGOFF_COMPLETION_RING = 0x180000000L;
    /** The kernel's XDP_PACKET_HEADROOM: an RX frame starts this far (plus the UMEM headroom) into its chunk. */
    static final int XDP_PACKET_HEADROOM = 256;

    // ------------------------------------------------------------------------------------------------- bpf.h
    static final int BPF_MAP_CREATE = 0;
    static final int BPF_MAP_UPDATE_ELEM = 2;
    static final int BPF_MAP_DELETE_ELEM = 3;
    static final int BPF_PROG_LOAD = 5;
    static final int BPF_LINK_CREATE = 28;
    static final int BPF_LINK_DETACH = 34;
    static final int BPF_MAP_TYPE_XSKMAP = 17;
    static final int BPF_PROG_TYPE_XDP = 6;
    static final int BPF_XDP = 37;
    static final int BPF_ANY = 0;
    static final int BPF_PSEUDO_MAP_FD = 1;
    static final int BPF_FUNC_MAP_LOOKUP_ELEM = 1;
    static final int BPF_FUNC_GET_PRANDOM_U32 = 7;
    static final int BPF_FUNC_REDIRECT_MAP = 51;
    /** The size of {@code union bpf_attr} passed to bpf(2); shorter than the kernel's is fine (zero-extended). */
    static final int BPF_ATTR_SIZE = 168;
    static final int XDP_ABORTED = 0;
    static final int XDP_DROP = 1;
    static final int XDP_PASS = 2;
    static final int XDP_TX = 3;
    static final int XDP_REDIRECT = 4;

    // ---------------------------------------------------------------------------------------------- if_link.h
    static final int XDP_FLAGS_UPDATE_IF_NOEXIST = 1;
    static final int XDP_FLAGS_SKB_MODE = 1 << 1;
    static final int XDP_FLAGS_DRV_MODE = 1 << 2;
    static final int IFLA_XDP = 43;
    static final int IFLA_XDP_FD = 1;
    static final int IFLA_XDP_FLAGS = 3;
    static final int NLA_F_NESTED = 0x8000;
    static final int NETLINK_ROUTE = 0;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_CAP_ACK = 10;
    static final int NETLINK_EXT_ACK = 11;
    static final int RTM_SETLINK = 19;
    static final int NLMSG_ERROR = 2;
    static final int NLM_F_REQUEST = 1;
    static final int NLM_F_ACK = 4;
    static final int NLM_F_ACK_TLVS = 0x200;
    static final int NLMSGERR_ATTR_MSG = 1;

    // ----------------------------------------------------------------------------------------------- layouts
    /** {@code struct sockaddr_xdp}: 16 bytes. */
    static final StructLayout SOCKADDR_XDP = MemoryLayout.structLayout(
        JAVA_SHORT.withName("sxdp_family"),
        JAVA_SHORT.withName("sxdp_flags"),
        JAVA_INT.withName("sxdp_ifindex"),
        JAVA_INT.withName("sxdp_queue_id"),
        JAVA_INT.withName("sxdp_shared_umem_fd"));

    /** {@code struct xdp_umem_reg}: 32 bytes; {@code tx_metadata_len} is newer than the 6.1 headers' padding. */
    static final StructLayout XDP_UMEM_REG_LAYOUT = MemoryLayout.structLayout(
        JAVA_LONG.withName("addr"),
        JAVA_LONG.withName("len"),
        JAVA_INT.withName("chunk_size"),
        JAVA_INT.withName("headroom"),
        JAVA_INT.withName("flags"),
        JAVA_INT.withName("tx_metadata_len"));

    /** {@code struct xdp_ring_offset}: 32 bytes, byte offsets inside a ring's mmap. */
    static final StructLayout XDP_RING_OFFSET = MemoryLayout.structLayout(
        JAVA_LONG.withName("producer"),
        JAVA_LONG.withName("consumer"),
        JAVA_LONG.withName("desc"),
        JAVA_LONG.withName("flags"));

    /** {@code struct xdp_mmap_offsets}: 128 bytes. */
    static final StructLayout XDP_MMAP_OFFSETS_LAYOUT = MemoryLayout.structLayout(
        XDP_RING_OFFSET.withName("rx"),
        XDP_RING_OFFSET.withName("tx"),
        XDP_RING_OFFSET.withName("fr"),
        XDP_RING_OFFSET.withName("cr"));

    /** {@code struct xdp_desc}: an RX/TX ring entry, 16 bytes. */
    static final StructLayout XDP_DESC = MemoryLayout.structLayout(
        JAVA_LONG.withName("addr"),
        JAVA_INT.withName("len"),
        JAVA_INT.withName("options"));

    /** {@code struct xdp_statistics}: 48 bytes. */
    static final StructLayout XDP_STATISTICS_LAYOUT = MemoryLayout.structLayout(
        JAVA_LONG.withName("rx_dropped"),
        JAVA_LONG.withName("rx_invalid_descs"),
        JAVA_LONG.withName("tx_invalid_descs"),
        JAVA_LONG.withName("rx_ring_full"),
        JAVA_LONG.withName("rx_fill_ring_empty_descs"),
        JAVA_LONG.withName("tx_ring_empty_descs"));

    /** {@code struct xdp_options}: 4 bytes. */
    static final StructLayout XDP_OPTIONS_LAYOUT = MemoryLayout.structLayout(JAVA_INT.withName("flags"));

    /** {@code struct bpf_insn}: 8 bytes; the registers share one byte (dst low nibble, src high nibble). */
    static final StructLayout BPF_INSN = MemoryLayout.structLayout(
        JAVA_BYTE.withName("code"),
        JAVA_BYTE.withName("regs"),
        JAVA_SHORT.withName("off"),
        JAVA_INT.withName("imm"));

    /** {@code struct xdp_md}, the XDP program's context (all u32). */
    static final StructLayout XDP_MD = MemoryLayout.structLayout(
        JAVA_INT.withName("data"),
        JAVA_INT.withName("data_end"),
        JAVA_INT.withName("data_meta"),
        JAVA_INT.withName("ingress_ifindex"),
        JAVA_INT.withName("rx_queue_index"),
        JAVA_INT.withName("egress_ifindex"));

    /** The BPF_MAP_CREATE part of {@code union bpf_attr} (the fields the driver sets). */
    static final StructLayout BPF_ATTR_MAP_CREATE = MemoryLayout.structLayout(
        JAVA_INT.withName("map_type"),
        JAVA_INT.withName("key_size"),
        JAVA_INT.withName("value_size"),
        JAVA_INT.withName("max_entries"),
        JAVA_INT.withName("map_flags"),
        JAVA_INT.withName("inner_map_fd"),
        JAVA_INT.withName("numa_node"),
        MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("map_name"));

    /** The BPF_MAP_*_ELEM part of {@code union bpf_attr}. */
    static final StructLayout BPF_ATTR_MAP_ELEM = MemoryLayout.structLayout(
        JAVA_INT.withName("map_fd"),
        MemoryLayout.paddingLayout(4),
        JAVA_LONG.withName("key"),
        JAVA_LONG.withName("value"),
        JAVA_LONG.withName("flags"));

    /** The BPF_PROG_LOAD part of {@code union bpf_attr}, up to {@code expected_attach_type}. */
    static final StructLayout BPF_ATTR_PROG_LOAD = MemoryLayout.structLayout(
        JAVA_INT.withName("prog_type"),
        JAVA_INT.withName("insn_cnt"),
        JAVA_LONG.withName("insns"),
        JAVA_LONG.withName("license"),
        JAVA_INT.withName("log_level"),
        JAVA_INT.withName("log_size"),
        JAVA_LONG.withName("log_buf"),
        JAVA_INT.withName("kern_version"),
        JAVA_INT.withName("prog_flags"),
        MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("prog_name"),
        JAVA_INT.withName("prog_ifindex"),
        JAVA_INT.withName("expected_attach_type"));

    /** The BPF_LINK_CREATE part of {@code union bpf_attr}. */
    static final StructLayout BPF_ATTR_LINK_CREATE = MemoryLayout.structLayout(
        JAVA_INT.withName("prog_fd"),
        JAVA_INT.withName("target_ifindex"),
        JAVA_INT.withName("attach_type"),
        JAVA_INT.withName("flags"));

    /** The parts of {@code union bpf_attr} the driver uses, overlaid; the buffer passed is {@link #BPF_ATTR_SIZE}. */
    static final UnionLayout BPF_ATTR = MemoryLayout.unionLayout(
        BPF_ATTR_MAP_CREATE.withName("map_create"),
        BPF_ATTR_MAP_ELEM.withName("map_elem"),
        BPF_ATTR_PROG_LOAD.withName("prog_load"),
        BPF_ATTR_LINK_CREATE.withName("link_create"));

    private XdpAbi()
    {
    }

    /**
     * The byte offset of a named field.
     *
     * @param layout the struct.
     * @param path   field names, outermost first.
     * @return the offset in bytes.
     */
    static long offset(final MemoryLayout layout, final String... path)
    {
        final MemoryLayout.PathElement[] elements = new MemoryLayout.PathElement[path.length];
        for (int i = 0; i < path.length; i++)
        {
            elements[i] = MemoryLayout.PathElement.groupElement(path[i]);
        }
        return layout.byteOffset(elements);
    }
}
