/** Every export of the public entry point carries TSDoc where it is declared. */
import path from 'node:path';
import ts from 'typescript';

describe('public API documentation', () => {
  it('every export of src/index.ts has a TSDoc comment', () => {
    const entry = path.resolve(__dirname, '..', '..', 'src', 'index.ts');
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
    expect(exports.length).toBeGreaterThan(40);
    const undocumented = exports
      .map((s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s))
      .filter((s) => ts.displayPartsToString(s.getDocumentationComment(checker)).trim() === '')
      .map((s) => s.getName());
    expect(undocumented).toEqual([]);
  });
});
