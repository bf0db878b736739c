package io.jlibp2p.testing;

/**
 * Thrown inside a spec-rule oracle when an input breaks one of the spec's rules; {@link
 * SpecVerdict#of} turns it into the verdict. Its message names the rule.
 */
public final class SpecViolation extends Exception {

  private static final long serialVersionUID = 1L;

  public SpecViolation(String rule) {
    // A verdict needs the rule, not where the oracle noticed it.
    super(rule, null, false, false);
  }
}
