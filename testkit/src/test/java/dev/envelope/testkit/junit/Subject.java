package dev.envelope.testkit.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class that exists to be run by {@link JupiterRun} from an enclosing test, which checks
 * its outcome (some are meant to fail). Run any other way (e.g. picked by a {@code -Dtest}
 * pattern), it is skipped.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(Subject.OnlyInJupiterRun.class)
@interface Subject {
  /** The configuration parameter {@link JupiterRun} sets. */
  String PARAMETER = "dev.envelope.testkit.subject";

  /** Enables the class only inside a {@link JupiterRun}. */
  final class OnlyInJupiterRun implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return context.getConfigurationParameter(PARAMETER).isPresent()
          ? ConditionEvaluationResult.enabled("run by an enclosing test")
          : ConditionEvaluationResult.disabled("a subject of an enclosing test, which runs it and checks its outcome");
    }
  }
}
