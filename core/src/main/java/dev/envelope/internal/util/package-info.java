/** Internal: small helpers shared by core's builders. Not exported; no compatibility promise. */
package dev.envelope.internal.util;
