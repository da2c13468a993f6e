package org.easel.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.easel.engine.Environment;
import org.easel.nodes.Setup;

/**
 * A server in its own JVM for {@link PostBench}: {@code BenchServerMain DIR PORT_FILE [demo]}. With {@code demo}
 * the demo model is generated under DIR first. Runs until killed.
 */
public final class BenchServerMain {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path portFile = Path.of(args[1]);
        Environment env = Environment.under(dir, "cpu");
        if (args.length > 2 && args[2].equals("demo")) Setup.prepare(env, null);
        EaselServer s = new EaselServer(TestNodes.registry(), env,
                new ServerConfig().port(0).cacheBytes(256L << 20), System.err).start();
        Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(tmp, Integer.toString(s.port()));
        Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE);
        Thread.currentThread().join();
    }
}
