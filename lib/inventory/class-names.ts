/**
 * Bungie's DestinyClass values as words. The one table: the model uses it when the definitions have no
 * DestinyClassDefinition lookup, the planner in its "only a Hunter can equip" sentence, the badge for postmasters.
 */
export const CLASS_NAMES: Readonly<Record<number, string>> = { 0: 'Titan', 1: 'Hunter', 2: 'Warlock' };

/** The class name of a DestinyClass value, undefined for "any class" (3) and unknown values. */
export function classNameOf(classType: number | undefined): string | undefined {
  return classType === undefined ? undefined : CLASS_NAMES[classType];
}
