import { formatPyValue, truncatePyValue } from './py-float.js';

/** One line item of a pydantic v2 ValidationError. `loc` empty for model-level validators. */
export interface PydanticErrorItem {
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly type: string;
  readonly input: unknown;
}

const PYDANTIC_DOCS = 'https://errors.pydantic.dev/2.13/v/';

export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    default:
      return 'dict';
  }
}

/** `str(ValidationError)` as pydantic 2.13 prints it; what Ray's dashboard returns in a 400. */
export function formatValidationError(model: string, items: readonly PydanticErrorItem[]): string {
  const n = items.length;
  const lines = [`${n} validation error${n === 1 ? '' : 's'} for ${model}`];
  for (const item of items) {
    if (item.loc.length > 0) lines.push(item.loc.join('.'));
    const input = truncatePyValue(formatPyValue(item.input));
    lines.push(`  ${item.msg} [type=${item.type}, input_value=${input}, input_type=${pyTypeName(item.input)}]`);
    lines.push(`    For further information visit ${PYDANTIC_DOCS}${item.type}`);
  }
  return lines.join('\n');
}

/** A Python traceback as the controller stores it in an application's `message`. */
export function formatTraceback(frames: readonly string[], finalLine: string): string {
  return ['Traceback (most recent call last):', ...frames, finalLine].join('\n') + '\n';
}

const SITE = '/usr/local/lib/python3.11/site-packages';

/** The frames Ray 2.58 prints when override_deployment_info fails (as in the DEPLOY_FAILED capture). */
export const OVERRIDE_FRAMES: readonly string[] = [
  `  File "${SITE}/ray/serve/_private/application_state.py", line 672, in apply_app_config`,
  '    overrided_infos = override_deployment_info(',
  '                      ^^^^^^^^^^^^^^^^^^^^^^^^^',
];

export const DEPLOYMENT_CONFIG_FRAMES: readonly string[] = [
  ...OVERRIDE_FRAMES,
  `  File "${SITE}/ray/serve/_private/application_state.py", line 1946, in override_deployment_info`,
  '    override_options["deployment_config"] = DeploymentConfig(**original_options)',
  '                                            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
  `  File "${SITE}/pydantic/main.py", line 263, in __init__`,
  '    validated_self = self.__pydantic_validator__.validate_python(data, self_instance=self)',
  '                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
];

export const UNKNOWN_DEPLOYMENT_FRAMES: readonly string[] = [
  ...OVERRIDE_FRAMES,
  `  File "${SITE}/ray/serve/_private/application_state.py", line 1898, in override_deployment_info`,
  '    raise ValueError(',
];

export const ROUTE_PREFIX_FRAMES: readonly string[] = [
  `  File "${SITE}/ray/serve/_private/application_state.py", line 655, in apply_app_config`,
  '    validate_route_prefix(self._target_state.route_prefix)',
  `  File "${SITE}/ray/serve/_private/utils.py", line 1077, in validate_route_prefix`,
  '    raise ValueError(',
];

export const BUILD_FRAMES = (importPath: string): readonly string[] => [
  `  File "${SITE}/ray/serve/_private/application_state.py", line 1720, in build_serve_application`,
  '    app = call_user_app_builder_with_args_if_necessary(import_attr(import_path), args)',
  '                                                       ^^^^^^^^^^^^^^^^^^^^^^^^',
  `  File "${SITE}/ray/_common/utils.py", line 104, in import_attr`,
  `    module = importlib.import_module(${JSON.stringify(importPath.split(/[:.]/)[0] ?? importPath)})`,
];
