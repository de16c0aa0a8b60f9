/** Every export of the package's entry points carries TSDoc where it is declared. */
import path from 'node:path';
import ts from 'typescript';

describe('public API documentation', () => {
  it.each([
    ['src/index.ts', 30],
    ['src/worker/kit.ts', 8],
    ['src/contract/schemas.ts', 10],
  ])('every export of %s has a TSDoc comment', (file, atLeast) => {
    const entry = path.resolve(__dirname, '..', '..', file);
    const program = ts.createProgram([entry], {
      strict: true,
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      noEmit: true,
    });
    const checker = program.getTypeChecker();
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    const exports = checker.getExportsOfModule(moduleSymbol);
    expect(exports.length).toBeGreaterThan(atLeast);
    const undocumented = exports
      .map((s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s))
      .filter((s) => ts.displayPartsToString(s.getDocumentationComment(checker)).trim() === '')
      .map((s) => s.getName());
    expect(undocumented).toEqual([]);
  });
});
