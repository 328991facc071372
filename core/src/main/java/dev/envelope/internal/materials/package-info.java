/**
 * Internal: the rules {@code Envelope} applies around a materials manager: the reproduced
 * (expected) encryption context and the checks on the materials a manager returns. Not exported;
 * no compatibility promise.
 */
package dev.envelope.internal.materials;
