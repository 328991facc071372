/**
 * Test fixtures shared with the other modules' tests through core's test-jar ({@code
 * envelope-core}, type {@code test-jar}, scope {@code test}):
 *
 * <ul>
 *   <li>{@link dev.envelope.testing.StaticKeyring}: a fixed, injectable data key and call counters;
 *   <li>{@link dev.envelope.testing.Esdk}: the same key as an Envelope keyring and an ESDK for Java
 *       {@code JceMasterKey}, plus ESDK clients per suite and frame size (the consuming module must
 *       also declare {@code com.amazonaws:aws-encryption-sdk-java} in test scope);
 *   <li>{@link dev.envelope.testing.TestKeys}: public test keys, one RSA-2048 pair per JVM;
 *   <li>{@link dev.envelope.testing.Messages}: envelopes per suite, plaintexts, stream helpers and
 *       frame offsets for tampering;
 *   <li>{@link dev.envelope.testing.TrickleInputStream}: a source that returns one byte per read.
 * </ul>
 *
 * Everything here is insecure by design and for tests only.
 */
package dev.envelope.testing;
