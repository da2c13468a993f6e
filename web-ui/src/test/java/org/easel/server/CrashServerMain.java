package org.easel.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.easel.engine.Environment;

/** A server in its own JVM for the crash test: {@code CrashServerMain DIR PORT_FILE}. Runs until killed. */
public final class CrashServerMain {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path portFile = Path.of(args[1]);
        EaselServer s = new EaselServer(TestNodes.registry(), Environment.under(dir, "cpu"),
                new ServerConfig().port(0).cacheBytes(16L << 20), System.err).start();
        Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(tmp, Integer.toString(s.port()));
        Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE);
        Thread.currentThread().join();
    }
}
