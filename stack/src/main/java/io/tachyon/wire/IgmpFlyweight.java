package io.tachyon.wire;

import java.lang.foreign.MemorySegment;

/**
 * IGMP for IPv4: versions 1 (RFC 1112), 2 (RFC 2236) and 3 (RFC 3376).
 * <p>
 * IGMPv1 and IGMPv2 messages (query 0x11, v1 report 0x12, v2 report 0x16, leave 0x17), 8 bytes:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type (0)    | Max Resp (1)  |         Checksum (2)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Group Address (4)                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * IGMPv1 has a 4-bit version and a 4-bit type in byte 0 (0x11 query, 0x12 report, the same values) and an unused
 * byte 1 (0 in a v1 query). IGMPv2 byte 1 is the Max Response Time in tenths of a second.
 * <p>
 * IGMPv3 query (type 0x11, 12 bytes or more):
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Type = 0x11  | Max Resp Code |         Checksum (2)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Group Address (4)                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Resv  |S| QRV |   QQIC (9)    |   Number of Sources (N) (10)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Source Address [1] (12)                      |
 * +-                              ...                            -+
 * |                  Source Address [N] (12 + 4 * (N - 1))        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * IGMPv3 membership report (type 0x22) and one of its group records:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Type = 0x22  |   Reserved    |         Checksum (2)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Reserved (4)          | Number of Group Records (6)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Group Record [1] (8) ...                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Group record (offsets from the record's start):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Record Type(0)| Aux Data Len  |   Number of Sources (N) (2)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Multicast Address (4)                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              Source Address [1..N] (8), 4 bytes each          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Auxiliary Data (8 + 4 * N), Aux Data Len 32-bit words  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Wrap with exactly the IGMP message (the IPv4 payload); the checksum covers all of it. {@link #wrap} checks that
 * there are 8 bytes, that an IGMPv3 query ({@link #isV3Query()}) holds its announced sources and that an IGMPv3
 * report holds every announced group record with its sources and auxiliary data; otherwise it returns
 * {@link Malformed#IGMP_TRUNCATED}. Bytes after the announced content are allowed (RFC 3376 §4.1.10 and §4.2.10:
 * "additional data ... MUST be ignored", RFC 2236 §2.5). A query of 9 to 11 bytes is not malformed here, but
 * RFC 3376 §7.1 says it MUST be ignored: {@link #queryVersion()} answers 0 for it.
 * <p>
 * Group records are addressed by their absolute offset, which allocates nothing:
 * <pre>{@code
 *   long record = igmp.firstRecordOffset();
 *   for (int i = 0; i < igmp.recordCount(); i++)
 *   {
 *       use(igmp.recordType(record), igmp.recordGroup(record));
 *       record = igmp.nextRecordOffset(record);
 *   }
 * }</pre>
 */
public final class IgmpFlyweight extends Flyweight
{
    /** Offset of the type. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of the v2 Max Response Time / v3 Max Resp Code (unused in v1 and v3 reports). */
    public static final int MAX_RESPONSE_OFFSET = 1;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 2;
    /** Offset of the group address (v1, v2, v3 query). */
    public static final int GROUP_OFFSET = 4;
    /** Offset of the IGMPv3 query's Resv/S/QRV byte. */
    public static final int FLAGS_QRV_OFFSET = 8;
    /** Offset of the IGMPv3 query's Querier's Query Interval Code. */
    public static final int QQIC_OFFSET = 9;
    /** Offset of the IGMPv3 query's number of sources. */
    public static final int QUERY_SOURCE_COUNT_OFFSET = 10;
    /** Offset of the IGMPv3 query's first source address. */
    public static final int QUERY_SOURCES_OFFSET = 12;
    /** Offset of the IGMPv3 report's number of group records. */
    public static final int RECORD_COUNT_OFFSET = 6;
    /** Offset of the IGMPv3 report's first group record. */
    public static final int RECORDS_OFFSET = 8;
    /** Length of a v1/v2 message, and the least length of any IGMP message. */
    public static final int HEADER_LENGTH = 8;
    /** Length of an IGMPv3 query without sources. */
    public static final int V3_QUERY_HEADER_LENGTH = 12;
    /** Length of an IGMPv3 report without records. */
    public static final int V3_REPORT_HEADER_LENGTH = 8;
    /** Length of a group record without sources or auxiliary data. */
    public static final int RECORD_HEADER_LENGTH = 8;
    /** Offset of a group record's type, from the record's start. */
    public static final int RECORD_TYPE_OFFSET = 0;
    /** Offset of a group record's auxiliary data length (in 32-bit words), from the record's start. */
    public static final int RECORD_AUX_LENGTH_OFFSET = 1;
    /** Offset of a group record's number of sources, from the record's start. */
    public static final int RECORD_SOURCE_COUNT_OFFSET = 2;
    /** Offset of a group record's multicast address, from the record's start. */
    public static final int RECORD_GROUP_OFFSET = 4;
    /** Offset of a group record's first source, from the record's start. */
    public static final int RECORD_SOURCES_OFFSET = 8;

    /** Type: membership query (all versions). */
    public static final int TYPE_QUERY = 0x11;
    /** Type: IGMPv1 membership report. */
    public static final int TYPE_V1_REPORT = 0x12;
    /** Type: IGMPv2 membership report. */
    public static final int TYPE_V2_REPORT = 0x16;
    /** Type: IGMPv2 leave group. */
    public static final int TYPE_LEAVE = 0x17;
    /** Type: IGMPv3 membership report. */
    public static final int TYPE_V3_REPORT = 0x22;

    /** Group record type: MODE_IS_INCLUDE (current state). */
    public static final int RECORD_MODE_IS_INCLUDE = 1;
    /** Group record type: MODE_IS_EXCLUDE (current state). */
    public static final int RECORD_MODE_IS_EXCLUDE = 2;
    /** Group record type: CHANGE_TO_INCLUDE_MODE (filter mode change). */
    public static final int RECORD_CHANGE_TO_INCLUDE = 3;
    /** Group record type: CHANGE_TO_EXCLUDE_MODE (filter mode change). */
    public static final int RECORD_CHANGE_TO_EXCLUDE = 4;
    /** Group record type: ALLOW_NEW_SOURCES (source list change). */
    public static final int RECORD_ALLOW_NEW_SOURCES = 5;
    /** Group record type: BLOCK_OLD_SOURCES (source list change). */
    public static final int RECORD_BLOCK_OLD_SOURCES = 6;

    /** Mask of the S (suppress router-side processing) flag in the Resv/S/QRV byte. */
    public static final int S_FLAG = 0x08;
    /** Mask of the QRV in the Resv/S/QRV byte. */
    public static final int QRV_MASK = 0x07;
    /** The largest value the RFC 3376 §4.1.1 floating-point code represents: {@code 0x1F << 10}. */
    public static final int MAX_CODE_VALUE = 31_744;

    /** A flyweight that wraps nothing yet. */
    public IgmpFlyweight()
    {
    }

    @Override
    public Malformed wrap(final MemorySegment segment, final long offset, final int length)
    {
        if (!region(segment, offset, length) || length < HEADER_LENGTH)
        {
            return Malformed.IGMP_TRUNCATED;
        }
        final int type = type();
        if (type == TYPE_QUERY && length >= V3_QUERY_HEADER_LENGTH)
        {
            if (length < V3_QUERY_HEADER_LENGTH + 4 * querySourceCount())
            {
                return Malformed.IGMP_TRUNCATED;
            }
        }
        else if (type == TYPE_V3_REPORT)
        {
            final long end = offset + length;
            long record = offset + RECORDS_OFFSET;
            final int records = recordCount();
            for (int i = 0; i < records; i++)
            {
                if (end - record < RECORD_HEADER_LENGTH)
                {
                    return Malformed.IGMP_TRUNCATED;
                }
                record = nextRecordOffset(record);
                if (record > end)
                {
                    return Malformed.IGMP_TRUNCATED;
                }
            }
        }
        return Malformed.OK;
    }

    /**
     * Wraps memory for emitting a message; writes nothing.
     *
     * @param segment the memory to write into.
     * @param offset where the message starts.
     * @param length the exact message length, which the checksum covers (at least 8).
     * @return this.
     * @throws IllegalArgumentException if {@code length < 8}.
     * @throws IndexOutOfBoundsException if the region is not inside the segment.
     */
    public IgmpFlyweight wrapForWrite(final MemorySegment segment, final long offset, final int length)
    {
        writeRegion("IGMP message", segment, offset, length, HEADER_LENGTH);
        return this;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Common fields
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The type.
     *
     * @return the type byte.
     */
    public int type()
    {
        return Bytes.u8(segment, offset + TYPE_OFFSET);
    }

    /**
     * The raw byte 1: the v2 Max Response Time in tenths of a second, the v3 query's Max Resp Code, 0 in v1.
     *
     * @return byte 1.
     */
    public int maxResponseCode()
    {
        return Bytes.u8(segment, offset + MAX_RESPONSE_OFFSET);
    }

    /**
     * The stored checksum.
     *
     * @return the checksum field.
     */
    public int checksum()
    {
        return Bytes.u16(segment, offset + CHECKSUM_OFFSET);
    }

    /**
     * The group address of a v1/v2 message or a v3 query (0 in a general query).
     *
     * @return bytes 4..7.
     */
    public int group()
    {
        return Bytes.i32(segment, offset + GROUP_OFFSET);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Queries
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Whether this is an IGMPv3 query: type 0x11 and at least 12 bytes (RFC 3376 §7.1).
     *
     * @return whether the v3 query fields are present.
     */
    public boolean isV3Query()
    {
        return type() == TYPE_QUERY && length >= V3_QUERY_HEADER_LENGTH;
    }

    /**
     * The version of a query, by RFC 3376 §7.1: 8 bytes and Max Resp 0 is IGMPv1, 8 bytes otherwise IGMPv2, 12
     * bytes or more IGMPv3.
     *
     * @return 1, 2 or 3; 0 when this is not a query or has 9 to 11 bytes (which "MUST be silently ignored").
     */
    public int queryVersion()
    {
        if (type() != TYPE_QUERY)
        {
            return 0;
        }
        if (length == HEADER_LENGTH)
        {
            return maxResponseCode() == 0 ? 1 : 2;
        }
        return length >= V3_QUERY_HEADER_LENGTH ? 3 : 0;
    }

    /**
     * The maximum response time in tenths of a second: byte 1 as is for IGMPv2, decoded as an RFC 3376 §4.1.1
     * Max Resp Code for IGMPv3 queries. (An IGMPv1 query carries 0; RFC 2236 §4 treats it as 100.)
     *
     * @return the time in units of 1/10 second.
     */
    public int maxResponseTimeTenths()
    {
        final int code = maxResponseCode();
        return isV3Query() ? decodeCode(code) : code;
    }

    /**
     * The IGMPv3 query's S flag (suppress router-side processing).
     *
     * @return bit 3 of byte 8; valid only when {@link #isV3Query()}.
     */
    public boolean suppressRouterProcessing()
    {
        return (Bytes.u8(segment, offset + FLAGS_QRV_OFFSET) & S_FLAG) != 0;
    }

    /**
     * The IGMPv3 query's Querier's Robustness Variable (0 when it exceeds 7).
     *
     * @return {@code [0, 7]}; valid only when {@link #isV3Query()}.
     */
    public int querierRobustness()
    {
        return Bytes.u8(segment, offset + FLAGS_QRV_OFFSET) & QRV_MASK;
    }

    /**
     * The IGMPv3 query's raw Querier's Query Interval Code.
     *
     * @return byte 9; valid only when {@link #isV3Query()}.
     */
    public int querierQueryIntervalCode()
    {
        return Bytes.u8(segment, offset + QQIC_OFFSET);
    }

    /**
     * The IGMPv3 query's Querier's Query Interval, decoded (RFC 3376 §4.1.7).
     *
     * @return seconds; valid only when {@link #isV3Query()}.
     */
    public int querierQueryIntervalSeconds()
    {
        return decodeCode(querierQueryIntervalCode());
    }

    /**
     * The IGMPv3 query's number of sources.
     *
     * @return bytes 10..11; valid only when {@link #isV3Query()}.
     */
    public int querySourceCount()
    {
        return Bytes.u16(segment, offset + QUERY_SOURCE_COUNT_OFFSET);
    }

    /**
     * One source address of an IGMPv3 query.
     *
     * @param index {@code [0, querySourceCount())}.
     * @return the address.
     * @throws IndexOutOfBoundsException if {@code index} is outside the announced sources.
     */
    public int querySource(final int index)
    {
        if (index < 0 || index >= querySourceCount())
        {
            throw new IndexOutOfBoundsException("query source index " + index + " outside [0, "
                + querySourceCount() + ")");
        }
        return Bytes.i32(segment, offset + QUERY_SOURCES_OFFSET + 4L * index);
    }

    // ------------------------------------------------------------------------------------------------------------
    // IGMPv3 reports
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The IGMPv3 report's number of group records.
     *
     * @return bytes 6..7; valid only for type 0x22.
     */
    public int recordCount()
    {
        return Bytes.u16(segment, offset + RECORD_COUNT_OFFSET);
    }

    /**
     * The absolute offset of the first group record.
     *
     * @return {@code offset() + 8}.
     */
    public long firstRecordOffset()
    {
        return offset + RECORDS_OFFSET;
    }

    /**
     * The absolute offset of the record after the one at {@code record}: past its sources and auxiliary data.
     *
     * @param record the absolute offset of a record.
     * @return the next record's offset.
     */
    public long nextRecordOffset(final long record)
    {
        return record + RECORD_HEADER_LENGTH + 4L * recordSourceCount(record) + 4L * recordAuxDataWords(record);
    }

    /**
     * A group record's type.
     *
     * @param record the absolute offset of the record.
     * @return the record type (1 to 6 are defined).
     */
    public int recordType(final long record)
    {
        return Bytes.u8(segment, record + RECORD_TYPE_OFFSET);
    }

    /**
     * A group record's auxiliary data length.
     *
     * @param record the absolute offset of the record.
     * @return the length in 32-bit words.
     */
    public int recordAuxDataWords(final long record)
    {
        return Bytes.u8(segment, record + RECORD_AUX_LENGTH_OFFSET);
    }

    /**
     * A group record's number of sources.
     *
     * @param record the absolute offset of the record.
     * @return the count.
     */
    public int recordSourceCount(final long record)
    {
        return Bytes.u16(segment, record + RECORD_SOURCE_COUNT_OFFSET);
    }

    /**
     * A group record's multicast address.
     *
     * @param record the absolute offset of the record.
     * @return the group.
     */
    public int recordGroup(final long record)
    {
        return Bytes.i32(segment, record + RECORD_GROUP_OFFSET);
    }

    /**
     * One source address of a group record.
     *
     * @param record the absolute offset of the record.
     * @param index  {@code [0, recordSourceCount(record))}.
     * @return the address.
     * @throws IndexOutOfBoundsException if {@code index} is outside the record's sources.
     */
    public int recordSource(final long record, final int index)
    {
        if (index < 0 || index >= recordSourceCount(record))
        {
            throw new IndexOutOfBoundsException("record source index " + index + " outside [0, "
                + recordSourceCount(record) + ")");
        }
        return Bytes.i32(segment, record + RECORD_SOURCES_OFFSET + 4L * index);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Checksum
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Computes the checksum over the whole message as it should be stored (the checksum field counts as zero).
     *
     * @return the checksum.
     */
    public int computeChecksum()
    {
        final int before = InternetChecksum.sum(segment, offset, CHECKSUM_OFFSET);
        return InternetChecksum.finish(
            InternetChecksum.sum(segment, offset + CHECKSUM_OFFSET + 2, length - CHECKSUM_OFFSET - 2, before));
    }

    /**
     * Whether the checksum over the whole message is correct.
     *
     * @return {@code true} if the message sums to 0xFFFF.
     */
    public boolean verifyChecksum()
    {
        return InternetChecksum.verifies(InternetChecksum.sum(segment, offset, length));
    }

    /**
     * Computes the checksum and stores it.
     *
     * @return this.
     */
    public IgmpFlyweight updateChecksum()
    {
        return checksum(computeChecksum());
    }

    // ------------------------------------------------------------------------------------------------------------
    // Codes
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Decodes an RFC 3376 §4.1.1 / §4.1.7 code (Max Resp Code, QQIC): below 128 the value itself, otherwise
     * {@code 1|exp(3)|mant(4)} meaning {@code (mant | 0x10) << (exp + 3)}.
     *
     * @param code {@code [0, 255]} (higher bits ignored).
     * @return the value, {@code [0, 31744]}.
     */
    public static int decodeCode(final int code)
    {
        final int c = code & 0xFF;
        if (c < 128)
        {
            return c;
        }
        return ((c & 0x0F) | 0x10) << (((c >>> 4) & 0x07) + 3);
    }

    /**
     * Encodes a value as an RFC 3376 code, rounding down to the nearest representable value (so that a Max
     * Response Time is never overstated).
     *
     * @param value {@code [0, 31744]}.
     * @return the code, {@code [0, 255]}.
     * @throws IllegalArgumentException if {@code value} is out of range.
     */
    public static int encodeCode(final int value)
    {
        Bytes.checkRange("IGMP code value", value, 0, MAX_CODE_VALUE);
        if (value < 128)
        {
            return value;
        }
        int exp = 0;
        while ((value >>> (exp + 3)) > 0x1F)
        {
            exp++;
        }
        return 0x80 | (exp << 4) | ((value >>> (exp + 3)) & 0x0F);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Setters
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Sets the type.
     *
     * @param type {@code [0, 255]}.
     * @return this.
     */
    public IgmpFlyweight type(final int type)
    {
        Bytes.putU8(segment, offset + TYPE_OFFSET, Bytes.checkRange("IGMP type", type, 0, 0xFF));
        return this;
    }

    /**
     * Sets byte 1 as is (v2 Max Response Time in tenths, v3 Max Resp Code, or 0).
     *
     * @param code {@code [0, 255]}.
     * @return this.
     */
    public IgmpFlyweight maxResponseCode(final int code)
    {
        Bytes.putU8(segment, offset + MAX_RESPONSE_OFFSET, Bytes.checkRange("IGMP max response code", code, 0, 0xFF));
        return this;
    }

    /**
     * Stores a checksum as given.
     *
     * @param checksum {@code [0, 0xFFFF]}.
     * @return this.
     */
    public IgmpFlyweight checksum(final int checksum)
    {
        Bytes.putU16(segment, offset + CHECKSUM_OFFSET, Bytes.checkRange("IGMP checksum", checksum, 0, 0xFFFF));
        return this;
    }

    /**
     * Sets the group address (v1/v2 messages, v3 query).
     *
     * @param group the address.
     * @return this.
     */
    public IgmpFlyweight group(final int group)
    {
        Bytes.putI32(segment, offset + GROUP_OFFSET, group);
        return this;
    }

    /**
     * Sets the IGMPv3 query's Resv/S/QRV byte (reserved bits zero), QQIC and number of sources.
     *
     * @param suppress   the S flag.
     * @param robustness QRV, {@code [0, 7]}.
     * @param qqic       the Querier's Query Interval Code, {@code [0, 255]}.
     * @param sources    the number of sources, {@code [0, 0xFFFF]}, that must fit in the wrapped length.
     * @return this.
     * @throws IllegalArgumentException for a value out of range, or if the header and sources do not fit.
     */
    public IgmpFlyweight v3Query(final boolean suppress, final int robustness, final int qqic, final int sources)
    {
        Bytes.checkRange("IGMP QRV", robustness, 0, QRV_MASK);
        Bytes.checkRange("IGMP QQIC", qqic, 0, 0xFF);
        Bytes.checkRange("IGMP query sources", sources, 0, (length - V3_QUERY_HEADER_LENGTH) / 4);
        Bytes.putU8(segment, offset + FLAGS_QRV_OFFSET, (suppress ? S_FLAG : 0) | robustness);
        Bytes.putU8(segment, offset + QQIC_OFFSET, qqic);
        Bytes.putU16(segment, offset + QUERY_SOURCE_COUNT_OFFSET, sources);
        return this;
    }

    /**
     * Sets one source address of an IGMPv3 query.
     *
     * @param index   {@code [0, querySourceCount())}.
     * @param address the address.
     * @return this.
     * @throws IndexOutOfBoundsException if {@code index} is outside the announced sources.
     */
    public IgmpFlyweight querySource(final int index, final int address)
    {
        if (index < 0 || index >= querySourceCount())
        {
            throw new IndexOutOfBoundsException("query source index " + index + " outside [0, "
                + querySourceCount() + ")");
        }
        Bytes.putI32(segment, offset + QUERY_SOURCES_OFFSET + 4L * index, address);
        return this;
    }

    /**
     * Sets the IGMPv3 report's reserved fields (byte 1, bytes 4..5) to zero and its number of group records.
     *
     * @param records {@code [0, 0xFFFF]}.
     * @return this.
     */
    public IgmpFlyweight recordCount(final int records)
    {
        Bytes.putU8(segment, offset + MAX_RESPONSE_OFFSET, 0);
        Bytes.putU16(segment, offset + GROUP_OFFSET, 0);
        Bytes.putU16(segment, offset + RECORD_COUNT_OFFSET, Bytes.checkRange("IGMP group records", records, 0,
            0xFFFF));
        return this;
    }

    /**
     * Writes a group record's fixed part.
     *
     * @param record   the absolute offset of the record, inside the wrapped message.
     * @param type     the record type, {@code [0, 255]}.
     * @param auxWords the auxiliary data length in 32-bit words, {@code [0, 255]}.
     * @param sources  the number of sources, {@code [0, 0xFFFF]}.
     * @param group    the multicast address.
     * @return this.
     * @throws IllegalArgumentException for a value out of range.
     * @throws IndexOutOfBoundsException if the record (with its sources and data) is not inside the message.
     */
    public IgmpFlyweight record(final long record, final int type, final int auxWords, final int sources,
        final int group)
    {
        Bytes.checkRange("IGMP record type", type, 0, 0xFF);
        Bytes.checkRange("IGMP record aux data words", auxWords, 0, 0xFF);
        Bytes.checkRange("IGMP record sources", sources, 0, 0xFFFF);
        final long end = record + RECORD_HEADER_LENGTH + 4L * sources + 4L * auxWords;
        if (record < offset + RECORDS_OFFSET || end > offset + length)
        {
            throw new IndexOutOfBoundsException("IGMP group record [" + record + ", " + end
                + ") is outside the report [" + (offset + RECORDS_OFFSET) + ", " + (offset + length) + ")");
        }
        Bytes.putU8(segment, record + RECORD_TYPE_OFFSET, type);
        Bytes.putU8(segment, record + RECORD_AUX_LENGTH_OFFSET, auxWords);
        Bytes.putU16(segment, record + RECORD_SOURCE_COUNT_OFFSET, sources);
        Bytes.putI32(segment, record + RECORD_GROUP_OFFSET, group);
        return this;
    }

    /**
     * Sets one source address of a group record whose fixed part was written.
     *
     * @param record  the absolute offset of the record.
     * @param index   {@code [0, recordSourceCount(record))}.
     * @param address the address.
     * @return this.
     * @throws IndexOutOfBoundsException if {@code index} is outside the record's sources.
     */
    public IgmpFlyweight recordSource(final long record, final int index, final int address)
    {
        if (index < 0 || index >= recordSourceCount(record))
        {
            throw new IndexOutOfBoundsException("record source index " + index + " outside [0, "
                + recordSourceCount(record) + ")");
        }
        Bytes.putI32(segment, record + RECORD_SOURCES_OFFSET + 4L * index, address);
        return this;
    }
}
