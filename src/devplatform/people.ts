/** LIS role URIs the emulator uses (LTI 1.3 core, appendix A.2). */
export const ROLES = {
  instructor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  teachingAssistant: 'http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant',
  learner: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
  faculty: 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty',
  student: 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student',
} as const;

/** Membership status as NRPS reports it. */
export type MemberStatus = 'Active' | 'Inactive' | 'Deleted';

/** One person in the emulated course. `name` is '' when the person shares no name. */
export interface DevUser {
  id: string;
  name: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  /** Context and institution role URIs, as sent in launches. */
  roles: string[];
  status: MemberStatus;
  /** The language their launches ask for (`launch_presentation.locale`); 'en' when unset. */
  locale?: string;
}

/** The seed: two instructors (one a TA), 27 students (one inactive), and one person who shares no PII. */
const SEED: Array<[string, string, 'instructor' | 'ta' | 'student' | 'inactive' | 'anonymous']> = [
  ['Maria', 'Okafor', 'instructor'],
  ['Daniel', 'Brooks', 'ta'],
  ['Aisha', 'Rahman', 'student'],
  ['Ben', 'Carter', 'student'],
  ['Chloé', 'Dubois', 'student'],
  ['Diego', 'Fernández', 'student'],
  ['Emily', 'Nguyen', 'student'],
  ['Farah', 'Haddad', 'student'],
  ['George', 'Papadopoulos', 'student'],
  ['Hana', 'Suzuki', 'student'],
  ['Isaac', 'Cohen', 'student'],
  ['Jasmine', 'Patel', 'student'],
  ['Kwame', 'Mensah', 'student'],
  ['Lena', 'Schmidt', 'student'],
  ['Mateo', 'Rossi', 'student'],
  ['Nora', 'Lindqvist', 'student'],
  ['Oliver', "O'Brien", 'student'],
  ['Priya', 'Iyer', 'student'],
  ['Quinn', 'Walker', 'student'],
  ['Rosa', 'Martínez', 'student'],
  ['Samuel', 'Adeyemi', 'student'],
  ['Tara', 'Kowalski', 'student'],
  ['Umar', 'Siddiqui', 'student'],
  ['Valentina', 'Greco', 'student'],
  ['William', 'Zhang', 'student'],
  ['Ximena', 'Torres', 'student'],
  ['Yusuf', 'Demir', 'student'],
  ['Amara', 'Obi', 'student'],
  ['Zoe', 'Anderson', 'inactive'],
  ['', '', 'anonymous'],
];

/** First seeded user id; ids are small integers as strings, as in Moodle. */
export const FIRST_USER_ID = 3;

const emailOf = (given: string, family: string): string =>
  `${given}.${family}`
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase() + '@students.fractions.example';

/** The deterministic seed roster. */
export function seedPeople(): DevUser[] {
  return SEED.map(([given, family, kind], i) => {
    const id = String(FIRST_USER_ID + i);
    if (kind === 'anonymous') return { id, name: '', roles: [ROLES.learner, ROLES.student], status: 'Active' };
    const staff = kind === 'instructor' || kind === 'ta';
    const email = staff ? emailOf(given, family).replace('@students.', '@') : emailOf(given, family);
    const roles =
      kind === 'instructor'
        ? [ROLES.instructor, ROLES.faculty]
        : kind === 'ta'
          ? [ROLES.instructor, ROLES.teachingAssistant]
          : [ROLES.learner, ROLES.student];
    return {
      id,
      name: `${given} ${family}`,
      givenName: given,
      familyName: family,
      email,
      roles,
      status: kind === 'inactive' ? 'Inactive' : 'Active',
    };
  });
}

/** Bulk students for benchmarks: `Student 00042` and so on. */
export function generatedStudent(id: number, n: number): DevUser {
  const label = String(n).padStart(5, '0');
  return {
    id: String(id),
    name: `Student ${label}`,
    givenName: 'Student',
    familyName: label,
    email: `student${label}@bulk.fractions.example`,
    roles: [ROLES.learner, ROLES.student],
    status: 'Active',
  };
}

/** True for a person who may launch deep linking and manage the course. */
export const isInstructor = (u: DevUser): boolean => u.roles.includes(ROLES.instructor);
/** True for a student (gradable in Canvas and Moodle). */
export const isLearner = (u: DevUser): boolean => u.roles.includes(ROLES.learner);

/** Does a member hold `role` (a full URI or a short name such as `Learner`)? */
export function hasRole(u: DevUser, role: string): boolean {
  return u.roles.some((r) => r === role || r.endsWith(`#${role}`) || r.endsWith(`/${role}`));
}
