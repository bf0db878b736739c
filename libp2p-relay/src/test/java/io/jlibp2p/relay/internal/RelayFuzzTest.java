package io.jlibp2p.relay.internal;

import static io.jlibp2p.testing.DecodingAssertions.decodesOrRejectsCleanly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jlibp2p.core.host.ConnectionLimit;
import io.jlibp2p.crypto.record.Envelope;
import io.jlibp2p.crypto.record.InvalidRecordException;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.relay.ReservationVoucher;
import io.jlibp2p.relay.internal.pb.CircuitProtos.HopMessage;
import io.jlibp2p.relay.internal.pb.CircuitProtos.StopMessage;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Jazzer fuzz targets for circuit relay v2's decoders. Each checks the verdict, not only that
 * nothing crashed:
 *
 * <ul>
 *   <li>{@link #hopMessage}, {@link #stopMessage}: a message is refused with a {@link
 *       DecodingException} that has a message, or accepted with its type set and known, its peer
 *       ID valid, its reservation dated; what it carries (status, limit, addresses) reads without
 *       an undeclared exception, and it reads back the same after being written again;
 *   <li>{@link #voucher}: an envelope is refused with an {@link InvalidRecordException}, or
 *       accepted as a voucher signed by the relay it names, with the payload type {@code 0x0302},
 *       which opens to the same voucher again.
 * </ul>
 *
 * <p>A plain build replays the seeds in {@code
 * src/test/resources/io/jlibp2p/relay/internal/RelayFuzzTestInputs/<method>/}. To fuzz one:
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -o test -pl libp2p-relay -Ddocs.phase=none -Dtest='RelayFuzzTest#hopMessage'
 * </pre>
 */
class RelayFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void hopMessage(byte[] input) {
    Optional<HopMessage> read = decodesOrRejectsCleanly(List.of(DecodingException.class),
        () -> HexFormat.of().formatHex(input), () -> RelayMessages.parseHop(Unpooled.wrappedBuffer(input)));
    if (read.isEmpty()) {
      return;
    }
    HopMessage hop = read.get();
    assertTrue(hop.hasType());
    readsWhatItCarries(hop.hasStatus(), hop.getStatusValue(), hop.hasLimit() ? hop.getLimit() : null);
    RelayMessages.addresses(hop.getReservation().getAddrsList());
    assertEquals(hop, RelayMessages.parseHop(Unpooled.wrappedBuffer(hop.toByteArray())), "reads back the same");
  }

  @FuzzTest(maxDuration = "60s")
  void stopMessage(byte[] input) {
    Optional<StopMessage> read = decodesOrRejectsCleanly(List.of(DecodingException.class),
        () -> HexFormat.of().formatHex(input), () -> RelayMessages.parseStop(Unpooled.wrappedBuffer(input)));
    if (read.isEmpty()) {
      return;
    }
    StopMessage stop = read.get();
    assertTrue(stop.hasType());
    readsWhatItCarries(stop.hasStatus(), stop.getStatusValue(), stop.hasLimit() ? stop.getLimit() : null);
    RelayMessages.addresses(stop.getPeer().getAddrsList());
    assertEquals(stop, RelayMessages.parseStop(Unpooled.wrappedBuffer(stop.toByteArray())), "reads back the same");
  }

  @FuzzTest(maxDuration = "60s")
  void voucher(byte[] input) {
    Optional<ReservationVoucher> read = decodesOrRejectsCleanly(List.of(InvalidRecordException.class),
        () -> HexFormat.of().formatHex(input), () -> ReservationVoucher.open(input));
    if (read.isEmpty()) {
      return;
    }
    ReservationVoucher voucher = read.get();
    Envelope envelope = Envelope.parse(input);
    assertTrue(voucher.relay().matches(envelope.publicKey()), "signed by its relay");
    assertEquals(List.of((byte) 3, (byte) 2), List.of(envelope.payloadType()[0], envelope.payloadType()[1]));
    assertEquals(voucher, ReservationVoucher.open(input), "opens the same again");
  }

  /** A status and limit read as the declared type or a {@link DecodingException}, nothing else. */
  private static void readsWhatItCarries(boolean hasStatus, int status, io.jlibp2p.relay.internal.pb.CircuitProtos.Limit limit) {
    if (hasStatus) {
      decodesOrRejectsCleanly(List.of(DecodingException.class), () -> "status " + status,
          () -> RelayMessages.status(true, status));
    }
    ConnectionLimit read = RelayMessages.limit(limit != null, limit == null
        ? io.jlibp2p.relay.internal.pb.CircuitProtos.Limit.getDefaultInstance() : limit);
    assertTrue(read.data() >= 0 && !read.duration().isNegative());
  }
}
