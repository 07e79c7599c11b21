package io.tachyon.wire;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A capture's link type is input: an unknown one is reported as unsupported, never thrown.
 */
class FrameDissectorLinkTypeTest
{
    @Test
    void shouldReportUnknownLinkTypesAsUnsupportedAndForgetThePreviousFrame()
    {
        final FrameDissector dissector = new FrameDissector();
        final MemorySegment frame = MemorySegment.ofArray(new byte[60]);
        new EthernetFlyweight().wrapForWrite(frame, 0, 60).etherType(EthernetFlyweight.ETHER_TYPE_ARP);
        dissector.dissect(FrameDissector.LINKTYPE_ETHERNET, frame, 0, 60);
        assertTrue(dissector.has(FrameDissector.Layer.ETHERNET));

        for (final int linkType : new int[] {0, 9, 229, -1, 65_535})
        {
            assertEquals(Malformed.OK, dissector.dissect(linkType, frame, 0, 60));
            assertTrue(dissector.unsupported(), "link type " + linkType);
            assertEquals(FrameDissector.Layer.NONE, dissector.layer(), "link type " + linkType);
            assertFalse(dissector.has(FrameDissector.Layer.ETHERNET), "link type " + linkType);
        }
    }
}
