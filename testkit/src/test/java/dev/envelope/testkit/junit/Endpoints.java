package dev.envelope.testkit.junit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/** Whether an endpoint still accepts connections. */
final class Endpoints {
  private Endpoints() {}

  static boolean accepting(URI endpoint) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
