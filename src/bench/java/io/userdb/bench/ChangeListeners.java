package io.userdb.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLongArray;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Stands in for the change listeners of N more backends on one PostgreSQL primary: N connections
 * that LISTEN on userdb's channel and read every notification as it comes, one thread each, as many
 * hosts' listeners would. PostgreSQL's side of fanning each write out is then what it would be with
 * N + 1 backends. On SIGTERM prints how many notifications the least and the most served listener
 * received, so a run can check that every listener heard every write.
 *
 * <pre>USERDB_DB_PASSWORD=... java -cp ... io.userdb.bench.ChangeListeners JDBC_URL N</pre>
 */
public final class ChangeListeners {

  private static final String CHANNEL = "userdb_changes";

  private ChangeListeners() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int count = Integer.parseInt(args[1]);
    Properties properties = new Properties();
    properties.setProperty("password", System.getenv("USERDB_DB_PASSWORD"));
    properties.setProperty("ApplicationName", "bench-listener");
    AtomicLongArray heard = new AtomicLongArray(Math.max(count, 1));
    List<Connection> connections = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Connection connection = DriverManager.getConnection(url, properties);
      try (Statement statement = connection.createStatement()) {
        statement.execute("LISTEN " + CHANNEL);
      }
      connections.add(connection);
      int slot = i;
      Thread reader = new Thread(() -> read(connection, heard, slot), "listener-" + i);
      reader.setDaemon(true);
      reader.start();
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  long least = Long.MAX_VALUE;
                  long most = 0;
                  for (int i = 0; i < count; i++) {
                    least = Math.min(least, heard.get(i));
                    most = Math.max(most, heard.get(i));
                  }
                  System.out.printf(
                      "heard least=%d most=%d listeners=%d%n", count == 0 ? 0 : least, most, count);
                  System.out.flush();
                }));
    System.out.println("listening " + count);
    System.out.flush();
    Thread.currentThread().join();
  }

  private static void read(Connection connection, AtomicLongArray heard, int slot) {
    try {
      PGConnection pg = connection.unwrap(PGConnection.class);
      while (true) {
        PGNotification[] notifications = pg.getNotifications(1000);
        if (notifications != null) {
          heard.addAndGet(slot, notifications.length);
        }
      }
    } catch (SQLException e) {
      System.err.println("listener " + slot + ": " + e.getMessage());
    }
  }
}
