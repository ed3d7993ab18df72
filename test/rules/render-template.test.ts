import { describe, expect, it } from 'vitest';
import { formatGoFloat } from '../../src/core/go/format-go-float.js';
import { goSprintf } from '../../src/core/templates/go-printf.js';
import { parseTemplate } from '../../src/core/templates/parse-template.js';
import { expandTemplate } from '../../src/core/templates/render-template.js';

/**
 * Expected strings are what Debian's promtool 2.42 printed for the same templates and values
 * (rendered through `promtool test rules` alert annotations).
 */
const render = (text: string, value: number, labels: Record<string, string> = { job: 'api' }) =>
  expandTemplate(text, { labels, value }, '__alert_A');

const ALL = '{{ $value | humanize }}#{{ $value | humanize1024 }}#{{ humanizePercentage $value }}#{{ humanizeDuration $value }}#{{ printf "%.2f" $value }}#{{ $value }}#{{ printf "%.4g|%g|%.0f|%.3e|%5.2f|%05.1f" $value $value $value $value $value $value }}';

const PROMETHEUS_PRINTS: readonly [number, string][] = [
  [0, '0#0#0%#0s#0.00#0#0|0|0|0.000e+00| 0.00|000.0'],
  [1, '1#1#100%#1s#1.00#1#1|1|1|1.000e+00| 1.00|001.0'],
  [NaN, 'NaN#NaN#NaN%#NaN#NaN#NaN#NaN|NaN|NaN|NaN|  NaN|  NaN'],
  [Infinity, '+Inf#+Inf#+Inf%#+Inf#+Inf#+Inf#+Inf|+Inf|+Inf|+Inf| +Inf| +Inf'],
  [-Infinity, '-Inf#-Inf#-Inf%#-Inf#-Inf#-Inf#-Inf|-Inf|-Inf|-Inf| -Inf| -Inf'],
  [90, '90#90#9000%#1m 30s#90.00#90#90|90|90|9.000e+01|90.00|090.0'],
  [0.1234, '123.4m#0.1234#12.34%#123.4ms#0.12#0.1234#0.1234|0.1234|0|1.234e-01| 0.12|000.1'],
  [1023, '1.023k#1023#1.023e+05%#17m 3s#1023.00#1023#1023|1023|1023|1.023e+03|1023.00|1023.0'],
  [1024, '1.024k#1ki#1.024e+05%#17m 4s#1024.00#1024#1024|1024|1024|1.024e+03|1024.00|1024.0'],
  [1048576, '1.049M#1Mi#1.049e+08%#12d 3h 16m 16s#1048576.00#1.048576e+06#1.049e+06|1.048576e+06|1048576|1.049e+06|1048576.00|1048576.0'],
  [3600, '3.6k#3.516ki#3.6e+05%#1h 0m 0s#3600.00#3600#3600|3600|3600|3.600e+03|3600.00|3600.0'],
  [90061, '90.06k#87.95ki#9.006e+06%#1d 1h 1m 1s#90061.00#90061#9.006e+04|90061|90061|9.006e+04|90061.00|90061.0'],
  [-1, '-1#-1#-100%#-1s#-1.00#-1#-1|-1|-1|-1.000e+00|-1.00|-01.0'],
  [0.0005, '500u#0.0005#0.05%#500us#0.00#0.0005#0.0005|0.0005|0|5.000e-04| 0.00|000.0'],
  [100, '100#100#1e+04%#1m 40s#100.00#100#100|100|100|1.000e+02|100.00|100.0'],
  [123456789012, '123.5G#115Gi#1.235e+13%#1428898d 0h 30m 12s#123456789012.00#1.23456789012e+11#1.235e+11|1.23456789012e+11|123456789012|1.235e+11|123456789012.00|123456789012.0'],
  [-0.5, '-500m#-0.5#-50%#-500ms#-0.50#-0.5#-0.5|-0.5|-0|-5.000e-01|-0.50|-00.5'],
  [0.125, '125m#0.125#12.5%#125ms#0.12#0.125#0.125|0.125|0|1.250e-01| 0.12|000.1'],
  [2.5, '2.5#2.5#250%#2.5s#2.50#2.5#2.5|2.5|2|2.500e+00| 2.50|002.5'],
  [1e-30, '1e-06y#1e-30#1e-28%#1e-06ys#0.00#1e-30#1e-30|1e-30|0|1.000e-30| 0.00|000.0'],
  [-1234, '-1.234k#-1.205ki#-1.234e+05%#-20m 34s#-1234.00#-1234#-1234|-1234|-1234|-1.234e+03|-1234.00|-1234.0'],
  [0.999999, '1000m#1#100%#1000ms#1.00#0.999999#1|0.999999|1|1.000e+00| 1.00|001.0'],
  [999.95, '1000#1000#1e+05%#16m 39s#999.95#999.95#1000|999.95|1000|1.000e+03|999.95|1000.0'],
  [1.5e-3, '1.5m#0.0015#0.15%#1.5ms#0.00#0.0015#0.0015|0.0015|0|1.500e-03| 0.00|000.0'],
  [123456, '123.5k#120.6ki#1.235e+07%#1d 10h 17m 36s#123456.00#123456#1.235e+05|123456|123456|1.235e+05|123456.00|123456.0'],
  [1000000, '1M#976.6ki#1e+08%#11d 13h 46m 40s#1000000.00#1e+06#1e+06|1e+06|1000000|1.000e+06|1000000.00|1000000.0'],
  [1234567, '1.235M#1.177Mi#1.235e+08%#14d 6h 56m 7s#1234567.00#1.234567e+06#1.235e+06|1.234567e+06|1234567|1.235e+06|1234567.00|1234567.0'],
  [12345, '12.35k#12.06ki#1.234e+06%#3h 25m 45s#12345.00#12345#1.234e+04|12345|12345|1.234e+04|12345.00|12345.0'],
  [999999, '1000k#976.6ki#1e+08%#11d 13h 46m 39s#999999.00#999999#1e+06|999999|999999|1.000e+06|999999.00|999999.0'],
  [1e21, '1Z#867.4Ei#1e+23%#-106751991167300d -15h -30m -8s#1000000000000000000000.00#1e+21#1e+21|1e+21|1000000000000000000000|1.000e+21|1000000000000000000000.00|1000000000000000000000.0'],
  [1e-7, '100n#1e-07#1e-05%#100ns#0.00#1e-07#1e-07|1e-07|0|1.000e-07| 0.00|000.0'],
];

describe('template rendering matches what Prometheus prints', () => {
  it('formats the examples of the brief: humanize(1234567), humanizeDuration(90), humanizePercentage(0.1234)', () => {
    expect(render('{{ humanize 1234567.0 }}', 0)).toBe('1.235M');
    expect(render('{{ humanizeDuration 90.0 }}', 0)).toBe('1m 30s');
    expect(render('{{ humanizePercentage 0.1234 }}', 0)).toBe('12.34%');
  });

  it.each(PROMETHEUS_PRINTS)('renders humanize*, printf and $value for %s exactly as promtool 2.42', (value, expected) => {
    expect(render(ALL, value)).toBe(expected);
  });

  it('rounds an exact half to even, as Go does and JavaScript does not', () => {
    expect(formatGoFloat(12345, 'g', 4)).toBe('1.234e+04');
    expect(formatGoFloat(0.125, 'f', 2)).toBe('0.12');
    expect(formatGoFloat(2.5, 'f', 0)).toBe('2');
    expect(formatGoFloat(-0.5, 'f', 0)).toBe('-0');
  });

  it('prints huge values in full with %f, like Go', () => {
    expect(formatGoFloat(1e100, 'f', 0)).toBe('10000000000000000159028911097599180468360808563945281389781327557747838772170381060813469985856815104');
    expect(render('{{ humanize $value }}|{{ humanize1024 $value }}|{{ humanizeDuration $value }}', 1e100)).toBe(
      '1e+76Y|8.272e+75Yi|-106751991167300d -15h -30m -8s',
    );
  });

  it('renders labels, external labels, the .Labels/.Value forms, title/toUpper/toLower and missing labels as empty', () => {
    const out = expandTemplate(
      '{{ title "hello world-foo o\'neil 1st x_y mcDonald" }} {{ .Labels.job }} {{ $labels }} {{ $externalLabels.x }}|{{ $labels.missing }}|{{ .ExternalLabels.cluster | toUpper }} {{ "ABC" | toLower }}',
      { labels: { __name__: 'v', job: 'api' }, value: 1, externalLabels: { cluster: 'eu1' } },
      '__alert_A',
    );
    expect(out).toBe("Hello World-Foo O'Neil 1st X_y McDonald api map[__name__:v job:api] ||EU1 abc");
  });

  it('title-cases words the way the Go text/cases build in promtool 2.42 does', () => {
    const text = "don't it's a.b a:b éa ab1cd _ab 1 st HELLO hello-WORLD foo/bar a,b (x) [y] x.y.z 12abc ab12cd 3d 日本 über ǆemal";
    expect(render(`{{ title "${text}" }}`, 0)).toBe("Don'T It'S A.B A:B Éa Ab1cd _ab 1 St HELLO Hello-WORLD Foo/Bar A,B (X) [Y] X.Y.Z 12abc Ab12cd 3d 日本 Über ǅemal");
  });

  it('supports trim markers, comments, pipelines into printf, parentheses and string functions of numbers', () => {
    expect(render('a  {{- " x " -}}  b{{/* note */}}', 0)).toBe('a x b');
    expect(render('{{ $value | printf "%.1f%%" }} {{ .Value | humanize }} {{ humanize "1.5e3" }} {{ printf "%6s|%-6s|" "ab" "cd" }} {{ (humanize $value) }} {{ printf "%v %s" $labels.job .Labels.job }}', 2.5)).toBe(
      '2.5% 2.5 1.5k     ab|cd    | 2.5 api api',
    );
    expect(render('{{ humanizeDuration 0.5 }} {{ humanizeDuration "61" }} {{ humanizePercentage "0.5" }} {{ humanize1024 0.5 }} {{ humanize1024 -2048 }} {{ humanize -0.001 }} {{ humanize 1 }}', 0)).toBe(
      '500ms 1m 1s 50% 0.5 -2ki -1m 1',
    );
  });

  it('renders a failure as the text Prometheus puts in its place instead of throwing', () => {
    expect(render('{{ humanize $labels.job }}', 1)).toBe(
      '<error expanding template: error executing template __alert_A: template: __alert_A:1:115: executing "__alert_A" at <humanize $labels.job>: error calling humanize: strconv.ParseFloat: parsing "api": invalid syntax>',
    );
  });

  it("follows Go's printf error texts for wrong, missing and extra arguments", () => {
    const int = (value: number) => ({ kind: 'int' as const, value });
    const float = (value: number) => ({ kind: 'float' as const, value });
    expect(goSprintf('%.2f', [int(3)])).toBe('%!f(int=03)');
    expect(goSprintf('%d', [])).toBe('%!d(MISSING)');
    expect(goSprintf('%d', [int(1), int(2)])).toBe('1%!(EXTRA int=2)');
    expect(goSprintf('%d|%s', [float(1234567), float(1234567)])).toBe('%!d(float64=1.234567e+06)|%!s(float64=1.234567e+06)');
    expect(goSprintf('%5.1f|%-6.1f|%+.1e', [float(1234567), float(1234567), float(1234567)])).toBe('1234567.0|1234567.0|+1.2e+06');
    expect(goSprintf('%q', [{ kind: 'string', value: 'a\tbé' }])).toBe('"a\\tbé"');
  });
});

describe('template checks at load time', () => {
  const problem = (text: string) => {
    const r = parseTemplate(text);
    return r.ok ? null : r.problem;
  };

  it('accepts the supported subset', () => {
    for (const ok of [
      'plain text',
      '{{ $labels.application }}/{{ $labels.deployment }} p99 is {{ $value | humanizeDuration }}',
      '{{ printf "%.2f" $value }} {{ .Labels.x }} {{ .Value }} {{ $externalLabels.cluster }} {{ humanize1024 $value }}',
      '{{- $value | humanizePercentage -}} {{ title $labels.x | toUpper | toLower }}',
    ]) {
      expect(problem(ok), ok).toBeNull();
    }
  });

  it.each([
    ['{{ query "up" }}', 3, 'function "query" is not supported'],
    ['{{ if $labels.x }}y{{ end }}', 3, '"if" is not supported'],
    ['abc {{ frob $value }}', 7, 'function "frob" not defined'],
    ['{{ $labels.x', 0, 'unclosed action'],
    ['{{ $foo }}', 3, 'undefined variable "$foo"'],
    ['{{ .Foo }}', 3, 'field ".Foo" is not supported'],
    ['{{ humanize $value 2.0 }}', 3, 'wrong number of args for humanize: want 1 got 2'],
    ['{{ $value | toUpper }}', 12, 'toUpper needs a string, got float64 (the piped value)'],
    ['{{ printf "%x" $value }}', 11, 'printf verb %x is not supported'],
    ['{{ printf "%d" $value }}', 15, 'printf %d needs an integer, got float64 ($value)'],
    ['{{ printf "%.2f" $labels.x }}', 17, 'printf %f needs a float64, got string ($labels.x)'],
    ['{{ $value 1 }}', 10, "can't give argument to non-function $value"],
    ['{{ "abc }}', 3, 'unterminated quoted string'],
    ['{{ $x := 1 }}', 6, 'variable declarations'],
    ['{{ }}', 0, 'missing value for command'],
  ])('rejects %s at index %i', (text, index, message) => {
    const p = problem(text);
    expect(p?.message).toContain(message);
    expect(p?.index).toBe(index);
  });
});
