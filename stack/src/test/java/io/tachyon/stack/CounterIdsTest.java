package io.tachyon.stack;

import io.tachyon.counters.OrdinalCounterDescriptor;
import io.tachyon.icmp.IcmpCounter;
import io.tachyon.ipv4.Ipv4Counter;
import io.tachyon.ipv4.ReassemblyCounter;
import io.tachyon.link.LinkCounter;
import io.tachyon.udp.UdpCounter;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class CounterIdsTest
{
    @Test
    void shouldNumberEveryCounterByItsPositionAndKeepItsLabel()
    {
        final OrdinalCounterDescriptor[][] types =
        {
            IcmpCounter.values(), Ipv4Counter.values(), ReassemblyCounter.values(), LinkCounter.values(),
            UdpCounter.values()
        };
        for (final OrdinalCounterDescriptor[] type : types)
        {
            for (int i = 0; i < type.length; i++)
            {
                assertEquals(i, type[i].id(), type[i] + " id");
                assertFalse(type[i].label().isBlank(), type[i] + " label");
            }
        }
        assertEquals(2, UdpCounter.values()[2].id());
        assertEquals("InDatagrams: datagrams delivered", UdpCounter.IN_DATAGRAMS.label());
    }
}
