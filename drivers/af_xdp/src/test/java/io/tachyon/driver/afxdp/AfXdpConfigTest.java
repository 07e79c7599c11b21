package io.tachyon.driver.afxdp;

import io.tachyon.driver.DriverException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Configuration checks and the errors that need no privilege.
 */
class AfXdpConfigTest
{
    private static void assertBad(final String named, final Runnable build)
    {
        final DriverException e = assertThrows(DriverException.class, build::run);
        assertEquals(DriverException.Reason.BAD_CONFIGURATION, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(named), "the message names " + named + ": " + e.getMessage());
    }

    @Test
    void shouldRejectBadValuesNamingThem()
    {
        assertBad("frameSize=3000", () -> AfXdpConfig.builder("eth0").frame(3000, 0).build());
        assertBad("headroom=2000", () -> AfXdpConfig.builder("eth0").frame(2048, 2000).build());
        assertBad("rxFrames=100", () -> AfXdpConfig.builder("eth0").frames(100, 10).build());
        assertBad("ringSize=1000", () -> AfXdpConfig.builder("eth0").ringSize(1000).build());
        assertBad("maxBurst=0", () -> AfXdpConfig.builder("eth0").maxBurst(0).build());
        assertBad("queueCount=0", () -> AfXdpConfig.builder("eth0").queues(0, 0).build());
        assertBad("interfaceName='much-too-long-name'", () -> AfXdpConfig.builder("much-too-long-name").build());
        assertBad("ipv4Address='10.0.0.300'", () -> AfXdpConfig.builder("eth0").ipv4Address("10.0.0.300"));
    }

    @Test
    void shouldParseTheSteeredAddressAndKeepDefaults()
    {
        final AfXdpConfig c = AfXdpConfig.builder("veth0").ipv4Address("10.77.0.1").build();
        assertEquals(0x0A4D0001, c.ipv4Address());
        assertEquals("af_xdp:veth0", c.name());
        assertEquals(2048, c.frameSize());
        assertEquals(AfXdpConfig.BindMode.AUTO, c.bindMode());
        assertEquals(AfXdpConfig.AttachMethod.LINK, c.attachMethod());
        assertEquals(2048 - 256, c.frameRoom());
    }

    @Test
    void shouldNameAnUnknownInterface()
    {
        try (AfXdpDriver driver = new AfXdpDriver(AfXdpConfig.builder("nosuch0if").build()))
        {
            final DriverException e = assertThrows(DriverException.class, driver::open);
            assertEquals(DriverException.Reason.NO_SUCH_INTERFACE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("nosuch0if"), e.getMessage());
        }
    }

    @Test
    void shouldAssembleProgramsWithResolvedJumps()
    {
        final byte[] steer = XdpProgram.steerIpv4(5, 0x0A4D0001, true);
        assertEquals(0, steer.length % 8);
        // the first instruction saves the context: r6 = r1 (ALU64 | MOV | X)
        assertEquals((byte) 0xbf, steer[0]);
        assertEquals((byte) 0x16, steer[1]);
        // the last two: r0 = XDP_PASS; exit
        final int n = steer.length;
        assertEquals((byte) 0xb7, steer[n - 16]);
        assertEquals(2, steer[n - 12]);
        assertEquals((byte) 0x95, steer[n - 8]);
        // the address is compared as the little-endian load of its network-order bytes: 0a 4d 00 01
        boolean found = false;
        for (int i = 0; i < n; i += 8)
        {
            if (steer[i] == 0x16 && steer[i + 4] == 0x0a && steer[i + 5] == 0x4d && steer[i + 6] == 0
                && steer[i + 7] == 1)
            {
                found = true;
            }
        }
        assertTrue(found, XdpProgram.dump(steer));
        final byte[] all = XdpProgram.redirectAll(5);
        assertEquals(7, XdpProgram.count(all));
        assertEquals(5, all[20], "the map fd sits in imm of ld_imm64: " + XdpProgram.dump(all));
        assertEquals(0x11, all[17] & 0xFF, "ld_imm64 dst r1, src BPF_PSEUDO_MAP_FD");
        assertThrows(IllegalArgumentException.class, () -> XdpProgram.dropFraction(1001));
    }
}
