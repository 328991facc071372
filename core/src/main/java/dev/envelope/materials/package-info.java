/**
 * Materials managers: the default one around a keyring, and one that authenticates context pairs
 * without storing them.
 */
package dev.envelope.materials;
