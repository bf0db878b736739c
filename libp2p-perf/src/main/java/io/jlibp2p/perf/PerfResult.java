package io.jlibp2p.perf;

import java.time.Duration;

/**
 * One perf run, seen by the client.
 *
 * @param uploadBytes bytes sent to the server
 * @param downloadBytes bytes received from the server
 * @param elapsed from the stream's negotiation to the server's end of stream
 */
public record PerfResult(long uploadBytes, long downloadBytes, Duration elapsed) {}
