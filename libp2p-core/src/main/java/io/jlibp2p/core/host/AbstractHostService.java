package io.jlibp2p.core.host;

/**
 * A {@link HostService} that belongs to one host: it keeps the {@link ServiceContext} it was
 * started with, refuses a second start, and tells a caller that uses it before it is attached what
 * to do.
 */
public abstract class AbstractHostService implements HostService {

  private volatile ServiceContext context;

  @Override
  public final synchronized void start(ServiceContext context) {
    if (this.context != null) {
      throw new IllegalStateException(
          getClass().getSimpleName() + " already belongs to " + this.context.host() + "; give each host its own instance");
    }
    this.context = context;
    try {
      onStart(context);
    } catch (RuntimeException | Error e) {
      // Not attached after all: the instance may still go to another host.
      this.context = null;
      throw e;
    }
  }

  /** Attaches to the host; called once, by {@link #start}. Must not block. */
  protected abstract void onStart(ServiceContext context);

  /**
   * The context this service was started with.
   *
   * @throws IllegalStateException if no host has started it yet
   */
  protected final ServiceContext context() {
    ServiceContext current = context;
    if (current == null) {
      throw new IllegalStateException(
          getClass().getSimpleName() + " is not attached to a host: pass it to Host.Builder.service(...) first");
    }
    return current;
  }

  /** The host this service is attached to; see {@link #context()}. */
  protected final Host host() {
    return context().host();
  }
}
