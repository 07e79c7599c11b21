package io.tachyon.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tachyon.wire.Malformed;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A reader in this JVM sees the counters a child JVM writes. */
class CountersCrossProcessTest
{
    private static final int FRAMES = 12_345;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldReadCountersWrittenByAnotherProcess() throws Exception
    {
        final Path path = dir.resolve("child").resolve(CountersFile.FILE_NAME);
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process child = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
            System.getProperty("java.class.path"), CountersChildWriter.class.getName(), path.toString(),
            Integer.toString(FRAMES))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        try
        {
            final BufferedReader childOut =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("READY", childOut.readLine());
            try (CountersReader reader = CountersReader.open(path))
            {
                assertEquals(child.pid(), reader.pid());
                assertFalse(reader.isClosed());
                assertTrue(reader.heartbeatNs() >= reader.startTimeNs());
                assertEquals(FRAMES, reader.value(reader.find(SystemCounterDescriptor.TYPE_ID,
                    SystemCounterDescriptor.FRAMES_RECEIVED.id())));
                assertEquals(60L * FRAMES, reader.value(reader.find(SystemCounterDescriptor.TYPE_ID,
                    SystemCounterDescriptor.BYTES_RECEIVED.id())));
                final int badVersion =
                    reader.find(CountersChildWriter.DROPS_TYPE_ID, Malformed.IPV4_BAD_VERSION.ordinal());
                assertEquals((FRAMES + 99) / 100, reader.value(badVersion));
                final List<CounterSnapshot> all = reader.snapshot();
                assertEquals(SystemCounterDescriptor.values().length + Malformed.values().length, all.size());
                assertEquals("IPv4 drops: IP version is not 4", all.get(badVersion).label());

                child.getOutputStream().close();
                assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child exits when its input ends");
                assertEquals(0, child.exitValue());
                assertTrue(reader.isClosed(), "the child marked the file closed on its way out");
                assertEquals(FRAMES, reader.value(reader.find(SystemCounterDescriptor.TYPE_ID,
                    SystemCounterDescriptor.FRAMES_RECEIVED.id())));
            }
        }
        finally
        {
            child.destroyForcibly();
        }
    }
}
