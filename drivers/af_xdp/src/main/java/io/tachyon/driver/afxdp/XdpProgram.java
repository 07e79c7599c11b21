package io.tachyon.driver.afxdp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * eBPF XDP programs assembled in Java: an instruction list with labels, encoded as {@code struct bpf_insn}
 * (8 little-endian bytes each). No compiler, no libbpf: the programs are a few dozen instructions.
 * <p>
 * The programs the driver uses:
 * <ul>
 *   <li>{@link #redirectAll(int)}: every frame on a queue goes to {@code xsks[rx_queue_index]}, or to the kernel
 *       (XDP_PASS) when that key is empty (afxdp.md §6, variant "simple");</li>
 *   <li>{@link #steerIpv4(int, int, boolean)}: only IPv4 frames for one address (and, optionally, IPv4 multicast)
 *       and ARP frames whose target protocol address is that address are redirected; everything else passes to the
 *       kernel;</li>
 *   <li>{@link #dropFraction(int)}: drops a fraction of frames at random ({@code bpf_get_prandom_u32}), passes the
 *       rest; a test impairment for the Linux side of a link.</li>
 * </ul>
 */
final class XdpProgram
{
    // opcodes (class | size/op | mode/source)
    private static final int LDX_W = 0x61;
    private static final int LDX_H = 0x69;
    private static final int LDX_B = 0x71;
    private static final int LD_IMM64 = 0x18;
    private static final int MOV64_K = 0xb7;
    private static final int MOV64_X = 0xbf;
    private static final int ADD64_K = 0x07;
    private static final int AND64_K = 0x57;
    private static final int JA = 0x05;
    private static final int JEQ_K = 0x15;
    private static final int JGT_X = 0x2d;
    private static final int JGE_K = 0x35;
    private static final int JEQ32_K = 0x16;
    private static final int CALL = 0x85;
    private static final int EXIT = 0x95;

    private static final int R0 = 0;
    private static final int R1 = 1;
    private static final int R2 = 2;
    private static final int R3 = 3;
    private static final int R4 = 4;
    private static final int R5 = 5;
    private static final int R6 = 6;

    private static final int ETHERTYPE_OFFSET = 12;
    private static final int IPV4_DESTINATION_OFFSET = 14 + 16;
    private static final int ARP_TARGET_IP_OFFSET = 14 + 24;
    /** EtherType 0x0800 as a little-endian u16 load of the network-order bytes. */
    private static final int ETHERTYPE_IPV4_LE = 0x0008;
    /** EtherType 0x0806 likewise. */
    private static final int ETHERTYPE_ARP_LE = 0x0608;

    private final List<long[]> instructions = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();
    private final Map<Integer, String> jumps = new HashMap<>();

    private XdpProgram()
    {
    }

    private XdpProgram insn(final int code, final int dst, final int src, final int off, final int imm)
    {
        instructions.add(new long[] {code, dst, src, off, imm});
        return this;
    }

    private XdpProgram jump(final int code, final int dst, final int src, final int imm, final String target)
    {
        jumps.put(instructions.size(), target);
        return insn(code, dst, src, 0, imm);
    }

    private XdpProgram label(final String name)
    {
        labels.put(name, instructions.size());
        return this;
    }

    private XdpProgram loadMap(final int dst, final int mapFd)
    {
        insn(LD_IMM64, dst, XdpAbi.BPF_PSEUDO_MAP_FD, 0, mapFd);
        return insn(0, 0, 0, 0, 0);
    }

    /** r0 = bpf_redirect_map(xsks, ctx->rx_queue_index, XDP_PASS); exit. Needs the context in r6. */
    private XdpProgram redirectToQueueSocket(final int mapFd)
    {
        insn(LDX_W, R2, R6, 16, 0);
        loadMap(R1, mapFd);
        insn(MOV64_K, R3, 0, 0, XdpAbi.XDP_PASS);
        insn(CALL, 0, 0, 0, XdpAbi.BPF_FUNC_REDIRECT_MAP);
        return insn(EXIT, 0, 0, 0, 0);
    }

    private XdpProgram returnAction(final int action)
    {
        insn(MOV64_K, R0, 0, 0, action);
        return insn(EXIT, 0, 0, 0, 0);
    }

    /** The encoded program: {@code 8 * count()} bytes. */
    private byte[] encode()
    {
        final byte[] out = new byte[instructions.size() * 8];
        for (int pc = 0; pc < instructions.size(); pc++)
        {
            final long[] insn = instructions.get(pc);
            int off = (int) insn[3];
            final String target = jumps.get(pc);
            if (target != null)
            {
                final Integer to = labels.get(target);
                if (to == null)
                {
                    throw new IllegalStateException("undefined label " + target);
                }
                off = to - pc - 1;
            }
            final int imm = (int) insn[4];
            final int base = pc * 8;
            out[base] = (byte) insn[0];
            out[base + 1] = (byte) ((insn[1] & 0xF) | ((insn[2] & 0xF) << 4));
            out[base + 2] = (byte) off;
            out[base + 3] = (byte) (off >> 8);
            out[base + 4] = (byte) imm;
            out[base + 5] = (byte) (imm >> 8);
            out[base + 6] = (byte) (imm >> 16);
            out[base + 7] = (byte) (imm >> 24);
        }
        return out;
    }

    /**
     * Every frame goes to the queue's socket, or to the kernel when the queue has none.
     *
     * @param mapFd the XSKMAP.
     * @return the encoded instructions.
     */
    static byte[] redirectAll(final int mapFd)
    {
        return new XdpProgram()
            .insn(MOV64_X, R6, R1, 0, 0)
            .redirectToQueueSocket(mapFd)
            .encode();
    }

    /**
     * IPv4 frames for {@code address}, IPv4 multicast (when {@code multicast}), and ARP frames asking about or
     * answering for {@code address} (target protocol address) go to the queue's socket; everything else to the
     * kernel. 802.1Q-tagged frames pass to the kernel.
     *
     * @param mapFd     the XSKMAP.
     * @param address   the IPv4 address, host order (10.0.0.1 = 0x0A000001).
     * @param multicast whether frames for 224.0.0.0/4 are redirected as well.
     * @return the encoded instructions.
     */
    static byte[] steerIpv4(final int mapFd, final int address, final boolean multicast)
    {
        final int addressLe = Integer.reverseBytes(address);
        final XdpProgram p = new XdpProgram()
            .insn(MOV64_X, R6, R1, 0, 0)
            .insn(LDX_W, R2, R6, 0, 0)
            .insn(LDX_W, R3, R6, 4, 0)
            .insn(MOV64_X, R4, R2, 0, 0)
            .insn(ADD64_K, R4, 0, 0, IPV4_DESTINATION_OFFSET + 4)
            .jump(JGT_X, R4, R3, 0, "pass")
            .insn(LDX_H, R5, R2, ETHERTYPE_OFFSET, 0)
            .jump(JEQ_K, R5, 0, ETHERTYPE_IPV4_LE, "ipv4")
            .jump(JEQ_K, R5, 0, ETHERTYPE_ARP_LE, "arp")
            .jump(JA, 0, 0, 0, "pass")
            .label("ipv4")
            .insn(LDX_W, R5, R2, IPV4_DESTINATION_OFFSET, 0)
            .jump(JEQ32_K, R5, 0, addressLe, "redirect");
        if (multicast)
        {
            p.insn(LDX_B, R5, R2, IPV4_DESTINATION_OFFSET, 0)
                .insn(AND64_K, R5, 0, 0, 0xF0)
                .jump(JEQ_K, R5, 0, 0xE0, "redirect");
        }
        return p.jump(JA, 0, 0, 0, "pass")
            .label("arp")
            .insn(MOV64_X, R4, R2, 0, 0)
            .insn(ADD64_K, R4, 0, 0, ARP_TARGET_IP_OFFSET + 4)
            .jump(JGT_X, R4, R3, 0, "pass")
            .insn(LDX_W, R5, R2, ARP_TARGET_IP_OFFSET, 0)
            .jump(JEQ32_K, R5, 0, addressLe, "redirect")
            .jump(JA, 0, 0, 0, "pass")
            .label("redirect")
            .redirectToQueueSocket(mapFd)
            .label("pass")
            .returnAction(XdpAbi.XDP_PASS)
            .encode();
    }

    /**
     * Drops each frame with probability {@code permille / 1000} (bpf_get_prandom_u32), passes the rest.
     *
     * @param permille 0 to 1000.
     * @return the encoded instructions.
     */
    static byte[] dropFraction(final int permille)
    {
        if (permille < 0 || permille > 1000)
        {
            throw new IllegalArgumentException("permille=" + permille + " outside [0, 1000]");
        }
        // r0 = prandom; r0 &= 0x3FF (0..1023); if r0 >= threshold goto pass; drop
        final int threshold = (int) Math.round(permille * 1024.0 / 1000.0);
        return new XdpProgram()
            .insn(CALL, 0, 0, 0, XdpAbi.BPF_FUNC_GET_PRANDOM_U32)
            .insn(AND64_K, R0, 0, 0, 0x3FF)
            .jump(JGE_K, R0, 0, threshold, "pass")
            .returnAction(XdpAbi.XDP_DROP)
            .label("pass")
            .returnAction(XdpAbi.XDP_PASS)
            .encode();
    }

    /**
     * The number of instructions in an encoded program.
     *
     * @param encoded the bytes.
     * @return bytes / 8.
     */
    static int count(final byte[] encoded)
    {
        return encoded.length / 8;
    }

    /**
     * A readable dump, for failures.
     *
     * @param encoded the bytes.
     * @return one hex line per instruction.
     */
    static String dump(final byte[] encoded)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < encoded.length; i += 8)
        {
            sb.append(i / 8).append(": ").append(HexFormatHolder.HEX.formatHex(Arrays.copyOfRange(encoded, i, i + 8)))
                .append('\n');
        }
        return sb.toString();
    }

    /** Lazily made formatter for {@link #dump}. */
    private static final class HexFormatHolder
    {
        static final java.util.HexFormat HEX = java.util.HexFormat.ofDelimiter(" ");
    }
}
