package io.tachyon.counters;

import static io.tachyon.counters.CountersLayout.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The layout constants are what the javadoc diagram says, aligned and spaced as promised. */
class CountersLayoutTest
{
    @Test
    void shouldPlaceHeaderFieldsAsDocumented()
    {
        assertEquals(0, MAGIC_OFFSET);
        assertEquals(8, LAYOUT_VERSION_OFFSET);
        assertEquals(12, CAPACITY_OFFSET);
        assertEquals(16, PID_OFFSET);
        assertEquals(24, START_TIME_OFFSET);
        assertEquals(32, COUNT_OFFSET);
        assertEquals(36, STATUS_OFFSET);
        assertEquals(128, HEARTBEAT_OFFSET);
        assertEquals(256, HEADER_LENGTH);
        // longs on 8-byte boundaries, ints on 4-byte boundaries
        for (final int offset : new int[] {MAGIC_OFFSET, PID_OFFSET, START_TIME_OFFSET, HEARTBEAT_OFFSET})
        {
            assertEquals(0, offset % 8, "long at " + offset);
        }
        for (final int offset : new int[] {LAYOUT_VERSION_OFFSET, CAPACITY_OFFSET, COUNT_OFFSET, STATUS_OFFSET})
        {
            assertEquals(0, offset % 4, "int at " + offset);
        }
    }

    @Test
    void shouldKeepTheHeartbeatOnItsOwnBlock()
    {
        // The static header fields end before the heartbeat's 128-byte block, which ends where metadata starts.
        assertTrue(STATUS_OFFSET + 4 <= HEARTBEAT_OFFSET);
        assertEquals(0, HEARTBEAT_OFFSET % VALUE_SLOT_LENGTH);
        assertEquals(HEARTBEAT_OFFSET + VALUE_SLOT_LENGTH, METADATA_OFFSET);
    }

    @Test
    void shouldSpellTachycntInTheMagic()
    {
        final byte[] bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(MAGIC).array();
        assertEquals("TACHYCNT", new String(bytes, StandardCharsets.US_ASCII));
    }

    @Test
    void shouldLayOutMetadataRecordsAsDocumented()
    {
        assertEquals(0, RECORD_STATE_OFFSET);
        assertEquals(4, RECORD_ID_OFFSET);
        assertEquals(8, RECORD_TYPE_ID_OFFSET);
        assertEquals(12, RECORD_KEY_OFFSET);
        assertEquals(16, RECORD_TYPE_NAME_LENGTH_OFFSET);
        assertEquals(20, RECORD_LABEL_LENGTH_OFFSET);
        assertEquals(32, RECORD_TYPE_NAME_OFFSET);
        assertEquals(64, RECORD_LABEL_OFFSET);
        assertEquals(192, MAX_LABEL_LENGTH);
        assertEquals(METADATA_RECORD_LENGTH, RECORD_LABEL_OFFSET + MAX_LABEL_LENGTH);
        assertEquals(256, metadataOffset(0));
        assertEquals(256 + 3 * 256, metadataOffset(3));
    }

    @Test
    void shouldGiveEveryValueItsOwn128ByteSlotAlignedToACacheLinePair()
    {
        assertEquals(128, VALUE_SLOT_LENGTH);
        for (final int capacity : new int[] {1, 2, 7, 64, 1000, MAX_CAPACITY})
        {
            assertEquals(256 + capacity * 256L, valuesOffset(capacity));
            assertEquals(0, valuesOffset(capacity) % 128, "values start on a 128-byte boundary");
            for (final int id : new int[] {0, capacity / 2, capacity - 1})
            {
                final long offset = valueOffset(capacity, id);
                assertEquals(0, offset % 128, "value " + id + " on a 128-byte boundary");
                assertTrue(offset + 8 <= fileLength(capacity));
            }
            if (capacity > 1)
            {
                assertEquals(128, valueOffset(capacity, 1) - valueOffset(capacity, 0), "one value per 128 bytes");
            }
            assertEquals(valueOffset(capacity, capacity - 1) + VALUE_SLOT_LENGTH, fileLength(capacity));
        }
        assertTrue(fileLength(MAX_CAPACITY) < 32L << 20, "largest file under 32 MB");
    }
}
