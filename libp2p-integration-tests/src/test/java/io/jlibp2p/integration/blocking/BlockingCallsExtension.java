package io.jlibp2p.integration.blocking;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.blockhound.BlockingOperationError;

/**
 * Fails a test class during which BlockHound caught a blocking call on a Netty event loop, with
 * the stack of each: registered for every class of this module through the service loader.
 */
public final class BlockingCallsExtension implements BeforeAllCallback, AfterAllCallback {

  @Override
  public void beforeAll(ExtensionContext context) {
    HarmlessBlockingCalls.CAUGHT.clear();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<BlockingOperationError> caught = new ArrayList<>(HarmlessBlockingCalls.CAUGHT);
    HarmlessBlockingCalls.CAUGHT.clear();
    if (caught.isEmpty()) {
      return;
    }
    StringBuilder report = new StringBuilder();
    for (BlockingOperationError error : caught) {
      StringWriter stack = new StringWriter();
      error.printStackTrace(new PrintWriter(stack));
      report.append(stack).append('\n');
    }
    throw new AssertionError(caught.size() + " blocking call(s) on an event loop during " + context.getDisplayName()
        + " (fix them; allow one in HarmlessBlockingCalls only with the reason it cannot block):\n" + report);
  }
}
