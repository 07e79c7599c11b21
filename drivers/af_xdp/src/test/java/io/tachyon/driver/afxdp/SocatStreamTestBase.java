package io.tachyon.driver.afxdp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * What the TCP stream interop tests with socat share: one veth pair (the peer end in a namespace) for the test
 * class, a temporary directory, random stream files and their SHA-256.
 */
abstract class SocatStreamTestBase
{
    /** The veth pair, created before the class's tests and deleted after them. */
    static VethPair pair;

    /** A temporary directory for the stream files and the stack's counters. */
    @TempDir
    static Path directory;

    @BeforeAll
    static void createPair()
    {
        Privileged.requireTools("ip", "socat", "ethtool");
        pair = VethPair.create(true);
    }

    @AfterAll
    static void deletePair()
    {
        if (pair != null)
        {
            pair.close();
            pair = null;
        }
    }

    /** The SHA-256 of a file, in hex. */
    static String sha256(final Path file) throws IOException, NoSuchAlgorithmException
    {
        final MessageDigest digest = MessageDigest.getInstance("SHA-256");
        final byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file))
        {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer))
            {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Writes {@code mib} MiB of seeded random bytes (seed 20261122) to a file. */
    static void writeRandom(final Path file, final long mib) throws IOException
    {
        final SplittableRandom random = new SplittableRandom(20_261_122L);
        final byte[] block = new byte[1 << 20];
        try (OutputStream os = Files.newOutputStream(file))
        {
            for (long i = 0; i < mib; i++)
            {
                random.nextBytes(block);
                os.write(block);
            }
        }
    }
}
