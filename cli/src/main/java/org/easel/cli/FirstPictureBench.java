package org.easel.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code easel bench first}: the wall time of {@code ./easel run workflows/text-to-image.json} as a whole
 * process (JVM start, launcher, models, PNG), run several times after one warm-up; prints min/median/max.
 */
final class FirstPictureBench {
    private FirstPictureBench() {}

    static int run(int runs) throws IOException, InterruptedException {
        Path home = CommonOptions.home();
        Path launcher = home.resolve("easel");
        if (!Files.isExecutable(launcher)) {
            System.err.println("error: " + launcher + " not found: run this benchmark from a checkout (./easel bench first)");
            return 2;
        }
        Path out = Files.createTempDirectory("easel-bench-first");
        try {
            List<String> cmd = List.of(launcher.toString(), "run", home.resolve("workflows/text-to-image.json").toString(),
                    "--output", out.toString());
            once(cmd);                                  // warm-up: builds, archives, creates the demo model
            double[] s = new double[runs];
            for (int i = 0; i < runs; i++) s[i] = once(cmd);
            Arrays.sort(s);
            double median = runs % 2 == 1 ? s[runs / 2] : (s[runs / 2 - 1] + s[runs / 2]) / 2;
            System.out.printf("./easel run workflows/text-to-image.json, whole process, %d runs after 1 warm-up (%d cores, load %.1f)%n",
                    runs, Runtime.getRuntime().availableProcessors(), loadAverage());
            System.out.printf("wall: min %.3f s, median %.3f s, max %.3f s%n", s[0], median, s[runs - 1]);
            return 0;
        } finally {
            try (Stream<Path> files = Files.walk(out)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static double once(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("EASEL_JAVA_OPTS");
        long t0 = System.nanoTime();
        int rc = pb.start().waitFor();
        double s = (System.nanoTime() - t0) / 1e9;
        if (rc != 0) throw new IllegalStateException(String.join(" ", cmd) + " exited with " + rc);
        return s;
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
