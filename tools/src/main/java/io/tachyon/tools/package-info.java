/**
 * The command-line tools behind ./tachyon: decode, demo.
 */
package io.tachyon.tools;
