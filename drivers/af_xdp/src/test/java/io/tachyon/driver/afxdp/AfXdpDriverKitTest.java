package io.tachyon.driver.afxdp;

import io.tachyon.driver.testkit.DriverTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * The driver test kit over a veth pair: {@link AfXdpDriver} on one end, a second one as the peer on the other
 * (see {@link AfXdpVethHarness}). Needs root; skipped otherwise (failed with CI=true).
 */
@Tag("privileged")
class AfXdpDriverKitTest extends DriverTestKit
{
    private static VethPair pair;

    AfXdpDriverKitTest()
    {
        super(() -> new AfXdpVethHarness(pair));
    }

    @BeforeAll
    static void createPair()
    {
        Privileged.require();
        pair = VethPair.create(false);
    }

    @AfterAll
    static void deletePair()
    {
        if (pair != null)
        {
            pair.close();
        }
    }
}
