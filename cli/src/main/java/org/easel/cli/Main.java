package org.easel.cli;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code easel} command: run, validate, convert, nodes, serve, models, bench. */
@Command(name = "easel", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Easel: node-graph workflows for image generation on the JVM (ComfyUI-compatible).",
        subcommands = CommandLine.HelpCommand.class)
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("run") && !"false".equals(System.getProperty("easel.warmup"))) Warmup.start();
        // The JavaScript engine runs without a JIT compiler on a stock JDK: say nothing about it (the launcher
        // passes the same properties; these cover a plain java -jar).
        if (System.getProperty("polyglot.engine.WarnInterpreterOnly") == null) System.setProperty("polyglot.engine.WarnInterpreterOnly", "false");
        if (System.getProperty("polyglotimpl.AttachLibraryFailureAction") == null) System.setProperty("polyglotimpl.AttachLibraryFailureAction", "ignore");
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int execute(String... args) {
        CommandLine cl = commandLine(args.length > 0 ? args[0] : null);
        return cl.execute(args);
    }

    /**
     * The command line; only the subcommand about to run is built (each costs start-up time), or all of them
     * when {@code first} names none (help, usage).
     */
    static CommandLine commandLine(String first) {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("run", RunCommand::new);
        commands.put("validate", ValidateCommand::new);
        commands.put("convert", ConvertCommand::new);
        commands.put("nodes", NodesCommand::new);
        commands.put("bench", BenchCommand::new);
        commands.put("serve", ServeCommand::new);
        CommandLine cl = new CommandLine(new Main());
        if (commands.containsKey(first)) cl.addSubcommand(first, commands.get(first).get());
        else commands.forEach((name, make) -> cl.addSubcommand(name, make.get()));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 1;
        });
        // a wrong option or value: the reason alone (it names the valid values), not the whole usage text
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("error: " + ex.getMessage());
            String name = cmd.getCommandSpec().qualifiedName();
            if (ex instanceof CommandLine.UnmatchedArgumentException || ex instanceof CommandLine.MissingParameterException) {
                cmd.getErr().println("(see: " + name + " --help)");
            }
            return 2;
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
