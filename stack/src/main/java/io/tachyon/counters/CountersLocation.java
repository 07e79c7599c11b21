package io.tachyon.counters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where counters files live: one directory per stack instance, {@code ROOT/<stack-name>/counters.dat}.
 * <p>
 * The default root is {@code /dev/shm/tachyon-<user>} (a tmpfs: the mapping is plain memory, nothing is written
 * to a disk), or {@code <java.io.tmpdir>/tachyon-<user>} where {@code /dev/shm} does not exist. The system property
 * {@value #ROOT_PROPERTY} overrides it.
 */
public final class CountersLocation
{
    /** The system property naming the root directory, overriding the default. */
    public static final String ROOT_PROPERTY = "tachyon.counters.dir";

    private static final Pattern STACK_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private CountersLocation()
    {
    }

    /**
     * The root directory holding one directory per stack.
     *
     * @return the property {@value #ROOT_PROPERTY} if set, else {@code /dev/shm/tachyon-<user>}, else
     *     {@code <java.io.tmpdir>/tachyon-<user>}.
     */
    public static Path defaultRoot()
    {
        final String configured = System.getProperty(ROOT_PROPERTY);
        if (configured != null && !configured.isBlank())
        {
            return Path.of(configured);
        }
        final String user = System.getProperty("user.name", "unknown").replaceAll("[^A-Za-z0-9._-]", "_");
        final Path shm = Path.of("/dev/shm");
        final Path base = Files.isDirectory(shm) && Files.isWritable(shm)
            ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return base.resolve("tachyon-" + user);
    }

    /**
     * Checks a stack name: 1 to 64 of {@code A-Z a-z 0-9 . _ -}, and not {@code .} or {@code ..}.
     *
     * @param stackName the name.
     * @return the name.
     * @throws IllegalArgumentException naming the bad name.
     */
    public static String requireValidStackName(final String stackName)
    {
        if (stackName == null || !STACK_NAME.matcher(stackName).matches() || ".".equals(stackName)
            || "..".equals(stackName))
        {
            throw new IllegalArgumentException("bad stack name '" + stackName
                + "': use 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return stackName;
    }

    /**
     * The counters file of a stack under a root.
     *
     * @param root      the root directory.
     * @param stackName the stack's name.
     * @return {@code root/stackName/counters.dat}.
     * @throws IllegalArgumentException if the name is bad.
     */
    public static Path counterFile(final Path root, final String stackName)
    {
        return root.resolve(requireValidStackName(stackName)).resolve(CountersFile.FILE_NAME);
    }

    /**
     * The counters file of a stack under the default root.
     *
     * @param stackName the stack's name.
     * @return {@code defaultRoot()/stackName/counters.dat}.
     * @throws IllegalArgumentException if the name is bad.
     */
    public static Path counterFile(final String stackName)
    {
        return counterFile(defaultRoot(), stackName);
    }
}
