package dev.envelope.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class with a throwaway local key store ({@link KeyStoreExtension} with its
 * defaults), made per class or per test as {@link #lifecycle} says. To choose the key alias or
 * configure the store register {@link KeyStoreExtension#builder()} with {@code @RegisterExtension}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(KeyStoreExtension.class)
public @interface WithTempKeyStore {
  /** Whether the store is shared by the class's tests or fresh for each test. */
  Lifecycle lifecycle() default Lifecycle.PER_CLASS;
}
