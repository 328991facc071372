/**
 * The test kit's internals: SoftHSM2 setup, message layout and scratch directories. Not part of
 * the API; no compatibility promise.
 */
package dev.envelope.testkit.internal;
