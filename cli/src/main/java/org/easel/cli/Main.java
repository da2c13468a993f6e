package org.easel.cli;

import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code easel} command: run, validate, convert, nodes, serve, models, bench. */
@Command(name = "easel", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Easel: node-graph workflows for image generation on the JVM (ComfyUI-compatible).",
        subcommands = {RunCommand.class, ValidateCommand.class, ConvertCommand.class, NodesCommand.class, BenchCommand.class, ServeCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // The JavaScript engine runs without a JIT compiler on a stock JDK: say nothing about it (the launcher
        // passes the same properties; these cover a plain java -jar).
        if (System.getProperty("polyglot.engine.WarnInterpreterOnly") == null) System.setProperty("polyglot.engine.WarnInterpreterOnly", "false");
        if (System.getProperty("polyglotimpl.AttachLibraryFailureAction") == null) System.setProperty("polyglotimpl.AttachLibraryFailureAction", "ignore");
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int execute(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The project version, from the jar's resources. */
    static final class Version implements CommandLine.IVersionProvider {
        static String get() {
            try (InputStream in = Main.class.getResourceAsStream("/easel-version.properties")) {
                Properties p = new Properties();
                if (in != null) p.load(in);
                return p.getProperty("version", "dev");
            } catch (Exception e) {
                return "dev";
            }
        }

        @Override
        public String[] getVersion() {
            return new String[]{"easel " + get(), "Java " + System.getProperty("java.version")};
        }
    }
}
