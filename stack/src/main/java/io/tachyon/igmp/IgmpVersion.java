package io.tachyon.igmp;

/**
 * An IGMP version: the configured protocol of an {@link Igmp} (only {@link #V2} or {@link #V3}) and its current
 * host compatibility mode ({@link Igmp#compatibilityMode()}, any of the three).
 */
public enum IgmpVersion
{
    /** IGMPv1, RFC 1112: reports only, no leave; entered only while an IGMPv1 querier is present. */
    V1,
    /** IGMPv2, RFC 2236: reports to the group, leaves to 224.0.0.2, report suppression. */
    V2,
    /** IGMPv3, RFC 3376: state-change and current-state reports to 224.0.0.22, no suppression. */
    V3
}
