package io.tachyon.driver;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriverLifecycleTest
{
    @Test
    void shouldWalkCreatedOpenStartedClosed()
    {
        final DriverLifecycle lifecycle = new DriverLifecycle("d0");
        assertEquals(DriverState.CREATED, lifecycle.state());
        lifecycle.moveTo(DriverState.OPEN);
        lifecycle.requireOpenOrStarted("capabilities()");
        lifecycle.requireQueueAccess(0);
        lifecycle.moveTo(DriverState.STARTED);
        lifecycle.requireStarted("receive");
        lifecycle.requireOpenOrStarted("capabilities()");
        assertEquals(DriverState.STARTED, lifecycle.state());
        assertFalse(lifecycle.isClosed());
        assertTrue(lifecycle.close());
        assertFalse(lifecycle.close(), "close is idempotent and says it did nothing");
        assertTrue(lifecycle.isClosed());
        assertEquals(DriverState.CLOSED, lifecycle.state());
    }

    @Test
    void shouldNameDriverOperationNeededAndCurrentStateWhenACheckFails()
    {
        final DriverLifecycle lifecycle = new DriverLifecycle("d0");
        final DriverException e = assertThrows(DriverException.class, () -> lifecycle.requireStarted("receive"));
        assertEquals(DriverException.Reason.ILLEGAL_STATE, e.reason());
        assertEquals("ILLEGAL_STATE: d0: receive needs state STARTED, state is CREATED", e.getMessage());
        final DriverException q = assertThrows(DriverException.class, () -> lifecycle.requireQueueAccess(3));
        assertEquals("ILLEGAL_STATE: d0: queue(3) needs state OPEN or STARTED, state is CREATED", q.getMessage());
    }

    @Test
    void shouldRefuseEveryCheckAfterClose()
    {
        final DriverLifecycle lifecycle = new DriverLifecycle("d0");
        lifecycle.moveTo(DriverState.OPEN);
        lifecycle.close();
        final DriverException open = assertThrows(DriverException.class,
            () -> lifecycle.require(DriverState.CREATED, "open()"));
        assertTrue(open.getMessage().contains("CLOSED"), open.getMessage());
        assertThrows(DriverException.class, () -> lifecycle.requireOpenOrStarted("capabilities()"));
        assertThrows(DriverException.class, () -> lifecycle.moveTo(DriverState.STARTED));
    }

    @Test
    void shouldRefuseSkippingOrRepeatingAState()
    {
        final DriverLifecycle lifecycle = new DriverLifecycle("d0");
        final DriverException skip = assertThrows(DriverException.class, () -> lifecycle.moveTo(DriverState.STARTED));
        assertEquals(DriverException.Reason.ILLEGAL_STATE, skip.reason());
        lifecycle.moveTo(DriverState.OPEN);
        assertThrows(DriverException.class, () -> lifecycle.moveTo(DriverState.OPEN));
        assertThrows(IllegalArgumentException.class, () -> lifecycle.moveTo(DriverState.CLOSED));
        assertThrows(IllegalArgumentException.class, () -> lifecycle.moveTo(DriverState.CREATED));
        assertEquals(DriverState.OPEN, lifecycle.state());
    }
}
