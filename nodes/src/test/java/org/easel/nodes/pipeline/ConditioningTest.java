package org.easel.nodes.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.easel.engine.NodeException;
import org.easel.nodes.demo.DemoModels;
import org.easel.nodes.demo.DemoVocabulary;
import org.easel.nodes.onnx.ModelFolders;
import org.easel.nodes.pipeline.Pipeline.Picture;
import org.easel.nodes.sd3.Sd3Checkpoint;
import org.easel.nodes.sd3.Sd3Clip;
import org.easel.nodes.sd3.TextEncoder;
import org.easel.nodes.types.Conditioning;
import org.easel.nodes.types.FloatTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SD3 conditioning on the demo encoders: the text recipe's shapes, the CLIP loaders, and the conditioning nodes. */
class ConditioningTest {
    static final int L = 768;
    static final int G = 1280;

    @TempDir
    static Path base;
    static Pipeline pipe;
    static Sd3Clip checkpointClip;

    @BeforeAll
    static void setUp() {
        pipe = new Pipeline(base);
        checkpointClip = Sd3Checkpoint.read(DemoModels.checkpointDir(Pipeline.models())).clip();
    }

    static Conditioning.Entry only(Conditioning c) {
        assertEquals(1, c.entries().size());
        return c.entries().get(0);
    }

    /** max |v| over rows [r0,r1) and columns [c0,c1) of a [1,T,D] tensor. */
    static double maxAbs(FloatTensor t, int r0, int r1, int c0, int c1) {
        int d = t.dim(2);
        double m = 0;
        for (int r = r0; r < r1; r++) for (int c = c0; c < c1; c++) m = Math.max(m, Math.abs(t.get(r * d + c)));
        return m;
    }

    static double maxAbs(FloatTensor t, int from, int to) {
        double m = 0;
        for (int i = from; i < to; i++) m = Math.max(m, Math.abs(t.get(i)));
        return m;
    }

    static float[] rows(FloatTensor t, int r0, int r1) {
        int d = t.dim(2);
        float[] out = new float[(r1 - r0) * d];
        t.copyTo(r0 * d, out, 0, out.length);
        return out;
    }

    @Test
    void sd3RecipeShapes() {
        Conditioning.Entry e = only(checkpointClip.encode(Pipeline.runtime(), "a red circle"));
        assertArrayEquals(new int[]{1, 154, 4096}, e.context().shape(), "77 CLIP + 77 T5 tokens, 4096 wide");
        assertArrayEquals(new int[]{1, 2048}, e.pooled().shape());
        assertEquals(0.0, e.start());
        assertEquals(1.0, e.end());
        // CLIP-L in columns 0..767, CLIP-G in 768..2047, zero padding 2048..4095 for the CLIP tokens
        assertTrue(maxAbs(e.context(), 0, 77, 0, L) > 0.01, "CLIP-L states present");
        assertTrue(maxAbs(e.context(), 0, 77, L, L + G) > 0.01, "CLIP-G states present");
        assertEquals(0.0, maxAbs(e.context(), 0, 77, L + G, 4096), "CLIP part zero-padded to 4096");
        assertTrue(maxAbs(e.context(), 77, 154, 0, 4096) > 0.01, "T5 states follow the CLIP tokens");
        assertTrue(maxAbs(e.context(), 77, 154, L + G, 4096) > 0.01, "T5 uses the full width");
        // pooled = CLIP-L text_embeds ‖ CLIP-G text_embeds: the demo encoders count the prompt's words
        int red = DemoVocabulary.attributeOf("red");
        int circle = DemoVocabulary.attributeOf("circle");
        assertEquals(1f, e.pooled().get(red), 1e-5);
        assertEquals(1f, e.pooled().get(circle), 1e-5);
        assertEquals(1f, e.pooled().get(L + red), 1e-5);
        assertEquals(1f, e.pooled().get(L + circle), 1e-5);
        double sum = 0;
        for (int i = 0; i < 2048; i++) sum += Math.abs(e.pooled().get(i));
        assertEquals(4.0, sum, 1e-4, "only the two known words count, in both halves");

        Conditioning.Entry empty = only(checkpointClip.encode(Pipeline.runtime(), ""));
        assertArrayEquals(new int[]{1, 154, 4096}, empty.context().shape());
        assertEquals(0.0, maxAbs(empty.pooled(), 0, 2048), "empty prompt → zero pooled (the unconditional prior)");
    }

    @Test
    void longPromptGivesTwoClipChunks() {
        String text = "red ".repeat(76).trim();     // 76 CLIP tokens: more than fit in one chunk of 75
        Conditioning.Entry e = only(checkpointClip.encode(Pipeline.runtime(), text));
        System.out.println("long prompt context " + e.context());
        assertArrayEquals(new int[]{1, 154 + 77, 4096}, e.context().shape(), "2 CLIP chunks (154) + 77 T5 tokens");
        assertEquals(0.0, maxAbs(e.context(), 0, 154, L + G, 4096), "both CLIP chunks zero-padded");
        assertTrue(maxAbs(e.context(), 77, 154, 0, L) > 0.01, "the second chunk has CLIP-L states");
        assertTrue(maxAbs(e.context(), 154, 231, L + G, 4096) > 0.01, "T5 after the CLIP chunks");
        // pooled comes from the first chunk (75 words)
        assertEquals(75f, e.pooled().get(DemoVocabulary.attributeOf("red")), 1e-3);
        // the second chunk is not a copy of the first: it holds one word and padding
        float[] c1 = rows(e.context(), 0, 77);
        float[] c2 = rows(e.context(), 77, 154);
        assertTrue(!Arrays.equals(c1, c2), "the chunks differ");

        Conditioning.Entry one = only(checkpointClip.encode(Pipeline.runtime(), "red ".repeat(75).trim()));
        assertArrayEquals(new int[]{1, 154, 4096}, one.context().shape(), "75 tokens still fit one chunk");
    }

    @Test
    void textEncoderFoldersAreListed() {
        List<String> names = ModelFolders.list(pipe.env, "text_encoders");
        assertTrue(names.containsAll(List.of("easel-tiny-clip-g", "easel-tiny-clip-l", "easel-tiny-t5")), names.toString());
    }

    @Test
    void clipLoadersGiveComfyShapes() throws Exception {
        String text = "a blue square on the left";
        Conditioning.Entry ref = only(checkpointClip.encode(Pipeline.runtime(), text));

        Sd3Clip triple = (Sd3Clip) pipe.call("TripleCLIPLoader", "clip_name1", "easel-tiny-clip-l",
                "clip_name2", "easel-tiny-clip-g", "clip_name3", "easel-tiny-t5").get(0);
        assertEquals(TextEncoder.Kind.CLIP_L, triple.clipL().kind());
        assertEquals(TextEncoder.Kind.CLIP_G, triple.clipG().kind());
        assertEquals(TextEncoder.Kind.T5, triple.t5().kind());
        Conditioning.Entry t = only(triple.encode(Pipeline.runtime(), text));
        assertArrayEquals(new int[]{1, 154, 4096}, t.context().shape());
        assertArrayEquals(ref.context().toArray(), t.context().toArray(), "same states as the checkpoint's encoders");
        assertArrayEquals(ref.pooled().toArray(), t.pooled().toArray());

        // the slots follow the models' kinds, not the input order
        Sd3Clip shuffled = (Sd3Clip) pipe.call("TripleCLIPLoader", "clip_name1", "easel-tiny-t5",
                "clip_name2", "easel-tiny-clip-l", "clip_name3", "easel-tiny-clip-g").get(0);
        assertArrayEquals(ref.context().toArray(), only(shuffled.encode(Pipeline.runtime(), text)).context().toArray());

        // DualCLIPLoader: no T5 → 77 CLIP tokens only, same pooled
        Sd3Clip dual = (Sd3Clip) pipe.call("DualCLIPLoader", "clip_name1", "easel-tiny-clip-l",
                "clip_name2", "easel-tiny-clip-g", "type", "sd3").get(0);
        assertNull(dual.t5());
        Conditioning.Entry d = only(dual.encode(Pipeline.runtime(), text));
        assertArrayEquals(new int[]{1, 77, 4096}, d.context().shape());
        assertArrayEquals(rows(ref.context(), 0, 77), d.context().toArray(), "the CLIP rows of the full recipe");
        assertArrayEquals(ref.pooled().toArray(), d.pooled().toArray());

        // CLIPLoader with CLIP-G only: CLIP-L's columns and pooled half are zeros
        Sd3Clip g = (Sd3Clip) pipe.call("CLIPLoader", "clip_name", "easel-tiny-clip-g", "type", "sd3").get(0);
        assertNull(g.clipL());
        assertNull(g.t5());
        Conditioning.Entry ge = only(g.encode(Pipeline.runtime(), text));
        assertArrayEquals(new int[]{1, 77, 4096}, ge.context().shape());
        assertArrayEquals(new int[]{1, 2048}, ge.pooled().shape());
        assertEquals(0.0, maxAbs(ge.context(), 0, 77, 0, L), "no CLIP-L → zeros in its columns");
        assertEquals(0.0, maxAbs(ge.context(), 0, 77, L + G, 4096));
        assertEquals(0.0, maxAbs(ge.pooled(), 0, L));
        float[] refG = new float[G];
        ref.pooled().copyTo(L, refG, 0, G);
        float[] gotG = new float[G];
        ge.pooled().copyTo(L, gotG, 0, G);
        assertArrayEquals(refG, gotG, "CLIP-G's half of pooled");

        // CLIPLoader with T5 only: 77 T5 tokens, zero pooled
        Sd3Clip t5 = (Sd3Clip) pipe.call("CLIPLoader", "clip_name", "easel-tiny-t5", "type", "sd3").get(0);
        assertNotNull(t5.t5());
        Conditioning.Entry te = only(t5.encode(Pipeline.runtime(), text));
        assertArrayEquals(new int[]{1, 77, 4096}, te.context().shape());
        assertArrayEquals(rows(ref.context(), 77, 154), te.context().toArray(), "the T5 rows of the full recipe");
        assertEquals(0.0, maxAbs(te.pooled(), 0, 2048));
    }

    @Test
    void twoEncodersOfOneKindIsAnErrorNamingTheInput() {
        NodeException e = assertThrows(NodeException.class, () -> pipe.call("DualCLIPLoader",
                "clip_name1", "easel-tiny-clip-l", "clip_name2", "easel-tiny-clip-l", "type", "sd3"));
        assertEquals("clip_name2", e.input());
        assertTrue(e.getMessage().contains("CLIP_L"), e.getMessage());
    }

    @Test
    void loadersByPartsDrawTheSamePictureAsTheCheckpoint() {
        ObjectNode ck = Pipeline.textToImage("a yellow circle on the right", "", 256, 256, 21, 16, 4.5, "euler", "sgm_uniform", "ck");
        ObjectNode parts = ck.deepCopy();
        parts.remove("4");
        Pipeline.node(parts, "10", "UNETLoader", "unet_name", "easel-tiny-sd3", "weight_dtype", "default");
        Pipeline.node(parts, "11", "TripleCLIPLoader", "clip_name1", "easel-tiny-clip-l", "clip_name2", "easel-tiny-clip-g",
                "clip_name3", "easel-tiny-t5");
        Pipeline.node(parts, "12", "VAELoader", "vae_name", "easel-tiny-sd3-vae");
        Pipeline.inputs(parts, "3").set("model", Pipeline.linkNode("10", 0));
        Pipeline.inputs(parts, "6").set("clip", Pipeline.linkNode("11", 0));
        Pipeline.inputs(parts, "7").set("clip", Pipeline.linkNode("11", 0));
        Pipeline.inputs(parts, "8").set("vae", Pipeline.linkNode("12", 0));
        Pipeline.inputs(parts, "9").put("filename_prefix", "parts");

        Picture a = pipe.picture(ck);
        Picture b = pipe.picture(parts);
        assertTrue(a.fraction(i -> a.r()[i] > 0.8f && a.g()[i] > 0.7f && a.b()[i] < 0.35f, 0.6, 0.35, 0.9, 0.65) > 0.5,
                "a yellow shape on the right");
        assertEquals(0.0, a.meanAbsDiff(b), "loader-by-parts picture == checkpoint picture");

        // DualCLIPLoader (no T5): the position words are still in CLIP's states, so the picture is the same
        ObjectNode dual = parts.deepCopy();
        Pipeline.node(dual, "11", "DualCLIPLoader", "clip_name1", "easel-tiny-clip-l", "clip_name2", "easel-tiny-clip-g", "type", "sd3");
        Pipeline.inputs(dual, "9").put("filename_prefix", "dual");
        assertEquals(0.0, a.meanAbsDiff(pipe.picture(dual)), "77-token context works in the sampler");
    }

    @Test
    void zeroOutCombineAndTimestepRange() throws Exception {
        Conditioning c = checkpointClip.encode(Pipeline.runtime(), "a red circle");
        Conditioning z = (Conditioning) pipe.call("ConditioningZeroOut", "conditioning", c).get(0);
        Conditioning.Entry ze = only(z);
        assertArrayEquals(new int[]{1, 154, 4096}, ze.context().shape(), "shapes kept");
        assertArrayEquals(new int[]{1, 2048}, ze.pooled().shape());
        assertEquals(0.0, maxAbs(ze.context(), 0, ze.context().size()));
        assertEquals(0.0, maxAbs(ze.pooled(), 0, 2048));
        assertTrue(maxAbs(only(c).pooled(), 0, 2048) > 0, "the input is not modified");

        Conditioning r = (Conditioning) pipe.call("ConditioningSetTimestepRange", "conditioning", z, "start", 0.1, "end", 1.0).get(0);
        assertEquals(0.1, only(r).start());
        assertEquals(1.0, only(r).end());
        Conditioning r2 = (Conditioning) pipe.call("ConditioningSetTimestepRange", "conditioning", c, "start", 0.0, "end", 0.1).get(0);
        Conditioning both = (Conditioning) pipe.call("ConditioningCombine", "conditioning_1", r, "conditioning_2", r2).get(0);
        assertEquals(2, both.entries().size());
        assertEquals(0.1, both.entries().get(0).start());
        assertEquals(0.0, both.entries().get(1).start());
        assertEquals(0.1, both.entries().get(1).end());
        assertArrayEquals(only(c).pooled().toArray(), both.entries().get(1).pooled().toArray());
    }

    /**
     * Combined positives are averaged: a conditioning combined with itself draws the same picture, and entries of
     * different context lengths (154 tokens, 231 tokens, 77 tokens without T5) run in separate batches and still work.
     */
    @Test
    void combinedPositivesOfDifferentLengths() {
        ObjectNode single = Pipeline.textToImage("a red circle on the left", "", 128, 128, 9, 12, 4.5, "euler", "sgm_uniform", "c1");
        Picture one = pipe.picture(single);
        assertTrue(one.fraction(one::red, 0.12, 0.37, 0.38, 0.63) > 0.8, "red circle on the left");

        ObjectNode twice = single.deepCopy();
        Pipeline.node(twice, "40", "ConditioningCombine", "conditioning_1", Pipeline.link("6", 0), "conditioning_2", Pipeline.link("6", 0));
        Pipeline.inputs(twice, "3").set("positive", Pipeline.linkNode("40", 0));
        Pipeline.inputs(twice, "9").put("filename_prefix", "c2");
        assertEquals(0.0, one.meanAbsDiff(pipe.picture(twice)), "A combined with A = A");

        ObjectNode mixed = single.deepCopy();
        // the same words once, then filler words the demo encoders ignore: 2 CLIP chunks (231 tokens)
        Pipeline.node(mixed, "41", "CLIPTextEncode", "text", "a red circle on the left " + "with ".repeat(80), "clip", Pipeline.link("4", 1));
        Pipeline.node(mixed, "42", "DualCLIPLoader", "clip_name1", "easel-tiny-clip-l", "clip_name2", "easel-tiny-clip-g", "type", "sd3");
        Pipeline.node(mixed, "43", "CLIPTextEncode", "text", "a red circle on the left", "clip", Pipeline.link("42", 0));
        Pipeline.node(mixed, "44", "ConditioningCombine", "conditioning_1", Pipeline.link("6", 0), "conditioning_2", Pipeline.link("41", 0));
        Pipeline.node(mixed, "45", "ConditioningCombine", "conditioning_1", Pipeline.link("44", 0), "conditioning_2", Pipeline.link("43", 0));
        Pipeline.inputs(mixed, "3").set("positive", Pipeline.linkNode("45", 0));
        Pipeline.inputs(mixed, "9").put("filename_prefix", "c3");
        Picture m = pipe.picture(mixed);
        double diff = one.meanAbsDiff(m);
        System.out.printf("combined 154 + 231 + 77 token positives vs one: mean abs diff %.6f%n", diff);
        // the same words in every entry (weaker position evidence without T5): the same picture up to float rounding
        assertTrue(diff < 0.001, "same words → same picture: " + diff);
    }

    /** ComfyUI's SD3 negative: the empty prompt for the first 10%, zeroed out after; the picture stays clean. */
    @Test
    void sd3NegativeRecipeRuns() {
        ObjectNode p = Pipeline.textToImage("a red square in the center", "", 256, 256, 8, 16, 4.5, "euler", "sgm_uniform", "neg");
        Pipeline.node(p, "20", "ConditioningZeroOut", "conditioning", Pipeline.link("7", 0));
        Pipeline.node(p, "21", "ConditioningSetTimestepRange", "conditioning", Pipeline.link("20", 0), "start", 0.1, "end", 1.0);
        Pipeline.node(p, "22", "ConditioningSetTimestepRange", "conditioning", Pipeline.link("7", 0), "start", 0.0, "end", 0.1);
        Pipeline.node(p, "23", "ConditioningCombine", "conditioning_1", Pipeline.link("21", 0), "conditioning_2", Pipeline.link("22", 0));
        Pipeline.inputs(p, "3").set("negative", Pipeline.linkNode("23", 0));
        Picture pic = pipe.picture(p);
        double centre = pic.fraction(pic::red, 0.38, 0.38, 0.62, 0.62);
        System.out.printf("SD3 negative recipe: red centre %.3f corners %.3f grain %.4f%n", centre, pic.corners(pic::red), pic.cornerStd());
        assertTrue(centre > 0.9, "red square in the centre: " + centre);
        assertTrue(pic.fraction(pic::red, 0.05, 0.37, 0.3, 0.63) < 0.01, "nothing on the left");
        assertTrue(pic.fraction(pic::red, 0.7, 0.37, 0.95, 0.63) < 0.01, "nothing on the right");
        assertTrue(pic.cornerStd() < 0.045, "clean");
    }

    /**
     * Timestep ranges steer the sampler: the conditioning active in the first half of the schedule decides the
     * shape (the demo posterior commits early), so swapping the two halves swaps the picture.
     */
    @Test
    void timestepRangesDecideWhichConditioningApplies() {
        Picture a = pipe.picture(halves("a blue square on the left", "a red circle on the right", "halves-a"));
        Picture b = pipe.picture(halves("a red circle on the right", "a blue square on the left", "halves-b"));
        double aBlue = a.fraction(a::blue, 0, 0, 0.5, 1), aRed = a.fraction(a::red, 0.5, 0, 1, 1);
        double bBlue = b.fraction(b::blue, 0, 0, 0.5, 1), bRed = b.fraction(b::red, 0.5, 0, 1, 1);
        System.out.printf("timestep halves: first blue-left → blue %.3f red %.3f; first red-right → blue %.3f red %.3f%n",
                aBlue, aRed, bBlue, bRed);
        assertTrue(aBlue > 0.1 && aRed < 0.01, "blue square first: blue " + aBlue + " red " + aRed);
        assertTrue(bRed > 0.1 && bBlue < 0.01, "red circle first: blue " + bBlue + " red " + bRed);
    }

    private static ObjectNode halves(String first, String second, String prefix) {
        ObjectNode p = Pipeline.textToImage(first, "", 256, 256, 4, 16, 4.5, "euler", "sgm_uniform", prefix);
        Pipeline.node(p, "30", "CLIPTextEncode", "text", second, "clip", Pipeline.link("4", 1));
        Pipeline.node(p, "31", "ConditioningSetTimestepRange", "conditioning", Pipeline.link("6", 0), "start", 0.0, "end", 0.5);
        Pipeline.node(p, "32", "ConditioningSetTimestepRange", "conditioning", Pipeline.link("30", 0), "start", 0.5, "end", 1.0);
        Pipeline.node(p, "33", "ConditioningCombine", "conditioning_1", Pipeline.link("31", 0), "conditioning_2", Pipeline.link("32", 0));
        Pipeline.inputs(p, "3").set("positive", Pipeline.linkNode("33", 0));
        return p;
    }
}
