/**
 * The command-line tools behind ./tachyon: decode, demo, stat.
 */
package io.tachyon.tools;
