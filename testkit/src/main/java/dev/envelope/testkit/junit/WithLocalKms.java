package dev.envelope.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class with a local KMS endpoint and a fresh key ({@link KmsExtension} with its
 * defaults), started per class or per test as {@link #lifecycle} says. To configure the endpoint
 * (Regions, credentials...) register {@link KmsExtension#builder()} with {@code @RegisterExtension}
 * instead.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(KmsExtension.class)
public @interface WithLocalKms {
  /** Whether the endpoint and key are shared by the class's tests or fresh for each test. */
  Lifecycle lifecycle() default Lifecycle.PER_CLASS;
}
