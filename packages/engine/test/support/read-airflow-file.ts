import { execFileSync } from 'node:child_process';

/** What Python's `ast` finds in a generated Airflow DAG file, without importing Airflow. */
export interface AirflowFileShape {
  readonly constants: Record<string, unknown>;
  /** Modules imported at the file's top level. */
  readonly topLevelImports: readonly string[];
  /** Names of the module-level functions. */
  readonly functions: readonly string[];
}

const READER = `
import ast, json, sys
tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())
constants, imports, functions = {}, [], []
for node in tree.body:
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        try:
            constants[node.targets[0].id] = ast.literal_eval(node.value)
        except ValueError:
            pass
    elif isinstance(node, ast.Import):
        imports += [a.name for a in node.names]
    elif isinstance(node, ast.ImportFrom):
        imports.append(node.module)
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        functions.append(node.name)
print(json.dumps({"constants": constants, "topLevelImports": imports, "functions": functions}))
`;

export function readAirflowFile(file: string): AirflowFileShape {
  return JSON.parse(execFileSync('python3', ['-c', READER, file], { encoding: 'utf8' })) as AirflowFileShape;
}

/** Compiles the file as Airflow's DAG processor would first do; throws with Python's message. */
export function compilePython(file: string): void {
  execFileSync('python3', ['-m', 'py_compile', file], { encoding: 'utf8', stdio: 'pipe' });
}
