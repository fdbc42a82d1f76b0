/**
 * Realistic answers to the lookups the program makes, for the renderer and the tests.
 * An invoke with no answer here fails the run.
 */
export function answerInvoke(token: string, inputs: Record<string, any>): Record<string, any> {
    throw new Error(`unexpected invoke ${token}(${JSON.stringify(inputs)}): add a realistic answer to scripts/lib/mockAnswers.ts`);
}
