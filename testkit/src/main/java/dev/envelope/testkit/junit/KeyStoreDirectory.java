package dev.envelope.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code java.nio.file.Path} parameter that {@link KeyStoreExtension} fills with the key
 * store's directory ({@link KeyStoreFixture#directory()}). A qualifier, so that it never competes
 * with JUnit's {@code @TempDir}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface KeyStoreDirectory {}
