/**
 * {@link dev.envelope.testing.api.ApiDump}: the pinned public API of each library module (its
 * {@code api/<artifact>.api} file), shared through core's test-jar. A package of its own because
 * envelope-pkcs11's tests also have a {@code dev.envelope.testing} package, and a package may not be
 * split between that module and the class path when its tests compile.
 */
package dev.envelope.testing.api;
