package org.easel.nodes.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.easel.nodes.demo.DemoTemplates;
import org.easel.nodes.demo.DemoVocabulary;
import org.easel.nodes.pipeline.Pipeline.Picture;
import org.easel.nodes.sd3.Sd3Clip;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo transformer takes colour and shape from the pooled vector and position from the context tokens, so
 * these pictures show whether the whole conditioning path is right: the CLIP-L / CLIP-G / T5 join, prompt
 * weights, graphs without T5, and a deliberately wrong join.
 */
class ContextConditioningTest {
    static final int SIZE = 128;

    @TempDir
    static Path base;
    static Pipeline pipe;

    @BeforeAll
    static void setUp() {
        pipe = new Pipeline(base);
    }

    @AfterEach
    void restoreJoin() {
        Sd3Clip.corruptForTest(Sd3Clip.Corruption.NONE);
        pipe.freshExecutor();
    }

    /** The component (colour, shape, position) whose rendered picture is nearest to {@code p} (128×128). */
    static int classify(Picture p) {
        int best = -1;
        double bestD = Double.MAX_VALUE;
        for (int k = 0; k < DemoVocabulary.COMPONENTS; k++) {
            double[][][] img = DemoTemplates.renderRgb(k);
            double d = 0;
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    int i = y * SIZE + x;
                    d += sq(p.r()[i] - img[0][y][x]) + sq(p.g()[i] - img[1][y][x]) + sq(p.b()[i] - img[2][y][x]);
                }
            }
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return best;
    }

    static double sq(double v) { return v * v; }

    static String name(int k) {
        return DemoVocabulary.COLOURS.get(DemoVocabulary.componentColour(k)) + " " + DemoVocabulary.SHAPES.get(DemoVocabulary.componentShape(k))
                + " " + DemoVocabulary.POSITIONS.get(DemoVocabulary.componentPosition(k));
    }

    static int component(String colour, String shape, String position) {
        return DemoVocabulary.component(DemoVocabulary.COLOURS.indexOf(colour), DemoVocabulary.SHAPES.indexOf(shape),
                DemoVocabulary.POSITIONS.indexOf(position));
    }

    static ObjectNode prompt(String text, long seed) {
        return Pipeline.textToImage(text, "", SIZE, SIZE, seed, 12, 4.5, "euler", "sgm_uniform", "ctx");
    }

    /** The same prompt drawn with the parts loaders and DualCLIPLoader: CLIP-L and CLIP-G, no T5. */
    static ObjectNode withoutT5(String text, long seed) {
        ObjectNode p = prompt(text, seed);
        p.remove("4");
        Pipeline.node(p, "10", "UNETLoader", "unet_name", "easel-tiny-sd3", "weight_dtype", "default");
        Pipeline.node(p, "11", "DualCLIPLoader", "clip_name1", "easel-tiny-clip-l", "clip_name2", "easel-tiny-clip-g", "type", "sd3");
        Pipeline.node(p, "12", "VAELoader", "vae_name", "easel-tiny-sd3-vae");
        Pipeline.inputs(p, "3").set("model", Pipeline.linkNode("10", 0));
        Pipeline.inputs(p, "6").set("clip", Pipeline.linkNode("11", 0));
        Pipeline.inputs(p, "7").set("clip", Pipeline.linkNode("11", 0));
        Pipeline.inputs(p, "8").set("vae", Pipeline.linkNode("12", 0));
        return p;
    }

    int draw(ObjectNode prompt) {
        return classify(pipe.picture(prompt));
    }

    @Test
    void colourShapeAndPositionFollowThePrompt() {
        String[][] cases = {
            {"red", "circle", "left"}, {"green", "square", "center"}, {"blue", "triangle", "right"},
            {"yellow", "triangle", "left"}, {"purple", "square", "right"}, {"orange", "circle", "center"},
            {"white", "square", "left"}, {"black", "triangle", "right"},
        };
        long seed = 1;
        for (String[] c : cases) {
            String text = "a " + c[0] + " " + c[1] + " on the " + c[2];
            int got = draw(prompt(text, seed++));
            assertEquals(name(component(c[0], c[1], c[2])), name(got), text);
        }
    }

    @Test
    void promptWeightsMoveTheShape() {
        for (long seed : new long[]{3, 4}) {
            assertEquals("red square left", name(draw(prompt("a red square (left:1.5) right", seed))), "left weighted, seed " + seed);
            assertEquals("red square right", name(draw(prompt("a red square left (right:1.5)", seed))), "right weighted, seed " + seed);
        }
    }

    @Test
    void withoutT5TheWordsClipCarriesStillAdhere() {
        String[][] cases = {{"blue", "circle", "left"}, {"green", "triangle", "center"}, {"red", "square", "right"}};
        long seed = 11;
        for (String[] c : cases) {
            String text = "a " + c[0] + " " + c[1] + " on the " + c[2];
            assertEquals(name(component(c[0], c[1], c[2])), name(draw(withoutT5(text, seed++))), "no T5: " + text);
        }
        // "middle" is a word only T5 knows: with T5 the shape is in the center, without it the position is the seed's
        List<String> withT5 = new ArrayList<>();
        List<String> without = new ArrayList<>();
        for (long s = 20; s < 26; s++) {
            withT5.add(DemoVocabulary.POSITIONS.get(DemoVocabulary.componentPosition(draw(prompt("a red circle in the middle", s)))));
            without.add(DemoVocabulary.POSITIONS.get(DemoVocabulary.componentPosition(draw(withoutT5("a red circle in the middle", s)))));
        }
        System.out.println("'in the middle' with T5: " + withT5 + ", without T5: " + without);
        assertEquals(List.of("center", "center", "center", "center", "center", "center"), withT5);
        assertTrue(without.stream().anyMatch(p -> !p.equals("center")), "without T5 'middle' means nothing: " + without);
    }

    @Test
    void aWronglyJoinedContextFailsAdherence() {
        String[][] cases = {{"red", "circle", "left"}, {"blue", "square", "right"}, {"green", "triangle", "center"}};
        for (Sd3Clip.Corruption c : new Sd3Clip.Corruption[]{Sd3Clip.Corruption.SWAP_CLIP_L_AND_G, Sd3Clip.Corruption.ZERO_PADDING_FIRST}) {
            Sd3Clip.corruptForTest(c);
            pipe.freshExecutor();
            int right = 0;
            StringBuilder log = new StringBuilder();
            for (long seed = 1; seed <= 2; seed++) {
                for (String[] k : cases) {
                    int got = draw(prompt("a " + k[0] + " " + k[1] + " on the " + k[2], seed));
                    log.append(" ").append(name(got)).append(';');
                    if (DemoVocabulary.componentPosition(got) == DemoVocabulary.POSITIONS.indexOf(k[2])) right++;
                }
            }
            System.out.println(c + ":" + log);
            // swapped CLIP-L/G: CLIP-G's read-out sees CLIP-L's code in the wrong order and outweighs T5, so every shape
            // moves; zero padding first: T5's read-out sees CLIP-L's code in the wrong order and ties with T5's own
            int allowed = c == Sd3Clip.Corruption.SWAP_CLIP_L_AND_G ? 0 : 5;
            assertTrue(right <= allowed, c + " should misplace the shapes, but " + right + " of 6 were right:" + log);
        }
        // and the correct join puts all six where the prompt says
        Sd3Clip.corruptForTest(Sd3Clip.Corruption.NONE);
        pipe.freshExecutor();
        for (long seed = 1; seed <= 2; seed++) {
            for (String[] k : cases) {
                assertEquals(name(component(k[0], k[1], k[2])), name(draw(prompt("a " + k[0] + " " + k[1] + " on the " + k[2], seed))));
            }
        }
    }

    /** EmptySD3LatentImage at 520 px gives a 65-wide latent: the transformer sees it padded to whole patches. */
    @Test
    void oddLatentWidthsWork() {
        ObjectNode p = Pipeline.textToImage("a blue square on the right", "", 520, 256, 5, 12, 4.5, "euler", "sgm_uniform", "odd");
        Picture pic = pipe.picture(p);
        assertEquals(520, pic.width());
        double rightThird = pic.fraction(pic::blue, 2 / 3.0, 0, 1, 1);
        double leftThird = pic.fraction(pic::blue, 0, 0, 1 / 3.0, 1);
        System.out.printf("520x256: blue right third %.3f left third %.3f grain %.4f%n", rightThird, leftThird, pic.cornerStd());
        assertTrue(rightThird > 0.15 && leftThird < 0.005, "a blue square on the right: " + rightThird + " / " + leftThird);
        assertTrue(pic.cornerStd() < 0.06, "clean, also in the last column: " + pic.cornerStd());
    }
}
