/**
 * Conformance: the packetdrill interpreter and replay comparison (a later issue).
 */
package io.tachyon.conformance;
