/**
 * Implementation of the local key store: file layout, KEKs, keysets, audit chain. Not exported;
 * no compatibility promise.
 */
package dev.envelope.local.internal;
